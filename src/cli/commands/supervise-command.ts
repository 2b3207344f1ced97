import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openDeploymentsClient } from '../../client/open-deployments-client.js';
import { loadConfig } from '../../config/load-config.js';
import { createLocalSupervisor, defaultSupervisorLogDir } from '../../deploy/local/local-supervisor.js';
import type { SupervisorLog } from '../../deploy/local/supervisor-types.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { osUser } from './models-command-support.js';

interface SuperviseFlags {
  readonly trackingUri?: string;
  readonly logDir?: string;
}

/** Credentials in a URI (`postgresql://user:secret@db/…`) are not printed. */
const redact = (uri: string): string => uri.replace(/\/\/[^/@\s]*@/, '//***@');

/** Resolves on the first SIGINT or SIGTERM; a second one finds no handler and ends the process at once. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function printer(context: CliContext): SupervisorLog {
  return (level, message) => {
    if (context.json) context.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, message })}\n`);
    else (level === 'warn' ? context.stderr : context.stdout).write(`${message}\n`);
  };
}

async function runSupervise(flags: SuperviseFlags, context: CliContext): Promise<void> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const trackingUri = flags.trackingUri ?? config.metadata.uri;
  const logDir = flags.logDir === undefined ? defaultSupervisorLogDir(config.home) : resolve(context.cwd, flags.logDir);
  const deployments = await openDeploymentsClient(trackingUri, { actor: osUser(context) });
  const supervisor = createLocalSupervisor({ deployments, trackingUri, logDir, log: printer(context) });
  try {
    await supervisor.start();
    printer(context)('info', `supervising the local deployments of ${redact(trackingUri)}; logs in ${logDir}`);
    const signal = await untilSignal();
    printer(context)('info', `${signal}: stopping every child`);
  } finally {
    await supervisor.stop();
    await deployments.close();
  }
}

/** `slipway supervise`: the local supervisor alone, in the foreground, for a direct (sqlite:, postgresql:) store. */
export const superviseCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('supervise')
      .description('run the slipway serve process of every local deployment until SIGTERM or Ctrl-C')
      .option(
        '--tracking-uri <uri>',
        'the deployments: sqlite:///…, postgresql://… or http(s)://… (default: the configured metadata.uri)',
      )
      .option('--log-dir <dir>', "where each child's <model>-<environment>.log goes (default: <home>/logs)")
      .action((flags: SuperviseFlags) => runSupervise(flags, context));
  },
};
