import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ConfigLayer, LOG_LEVELS, type LogLevel } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import type { CliContext, CommandModule } from '../cli-context.js';

interface ServerOptions {
  readonly host?: string;
  readonly port?: number;
  readonly backendStoreUri?: string;
  readonly artifactsDestination?: string;
  readonly allowedHosts?: string[];
  readonly allowedOrigins?: string[];
  readonly insecure?: boolean;
  readonly logLevel?: LogLevel;
  /** false only when `--no-supervise` was given (commander's default for a negated flag is dropped). */
  readonly supervise?: boolean;
}

export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError('must be an integer from 0 to 65535 (0 picks a free port).');
  }
  return Number(value);
}

export const parseList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** Flags become the highest config layer; flags not given stay undefined so lower layers show through. */
export function serverFlags(options: ServerOptions): ConfigLayer {
  return {
    metadata: { uri: options.backendStoreUri },
    objects: { uri: options.artifactsDestination },
    server: {
      host: options.host,
      port: options.port,
      allowedHosts: options.allowedHosts,
      allowedOrigins: options.allowedOrigins,
      insecure: options.insecure,
    },
    log: { level: options.logLevel },
    deployments: { supervise: options.supervise },
  };
}

async function runServer(options: ServerOptions, context: CliContext): Promise<void> {
  const { env, cwd, homeDir } = context;
  const config = await loadConfig({ flags: serverFlags(options), env, cwd, homeDir });
  const { startServer } = await import('../../server/main.js');
  const server = await startServer(config, { version: context.version });
  const line = context.json ? JSON.stringify({ url: server.url }) : `Slipway server listening on ${server.url}`;
  context.stdout.write(`${line}\n`);
}

/** `slipway server`: the control plane (MLflow REST API). Defaults come from the config, not from commander. */
export const serverCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('server')
      .description('run the control-plane server (MLflow REST API) until SIGTERM or Ctrl-C')
      .option('--host <host>', 'address to listen on (default 127.0.0.1)')
      .option('--port <port>', 'port to listen on; 0 picks a free one (default 5000)', parsePort)
      .option('--backend-store-uri <uri>', 'metadata database: sqlite:///abs/path.db or postgresql://…')
      .option('--artifacts-destination <uri>', 'object store: a folder, file:///…, s3://bucket/prefix')
      .option('--allowed-hosts <list>', 'comma-separated Host header allowlist (default: loopback names)', parseList)
      .option('--allowed-origins <list>', 'comma-separated extra origins allowed to send mutating requests', parseList)
      .option('--insecure', 'allow listening on a non-loopback address without authentication')
      .addOption(new Option('--log-level <level>', 'log level (default info)').choices(LOG_LEVELS))
      .option('--no-supervise', 'do not run the slipway serve processes of local deployments')
      .action((options: ServerOptions, command: Command) =>
        runServer(
          { ...options, supervise: command.getOptionValueSource('supervise') === 'cli' ? false : undefined },
          context,
        ),
      );
  },
};
