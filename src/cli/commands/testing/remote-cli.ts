import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { ConfigLayer } from '../../../config/config-schema.js';
import { loadConfig } from '../../../config/load-config.js';
import { type RunningServer, type ServerAuth, startServer } from '../../../server/main.js';
import type { CommandModule, CommandTable } from '../../cli-context.js';
import { captureCli } from '../../testing/capture-cli.js';
import { addCommand } from '../add-command.js';
import { checkoutCommand } from '../checkout-command.js';
import { fetchCommand } from '../fetch-command.js';
import { gcCommand } from '../gc-command.js';
import { getCommand } from '../get-command.js';
import { initCommand } from '../init-command.js';
import { pullCommand } from '../pull-command.js';
import { pushCommand } from '../push-command.js';
import { remoteCommand } from '../remote-command.js';
import { statusCommand } from '../status-command.js';

export const git = promisify(execFile);

const entry = (module: CommandModule) => ({ summary: '', load: async () => module });

export const REMOTE_COMMANDS: CommandTable = {
  init: entry(initCommand),
  add: entry(addCommand),
  status: entry(statusCommand),
  checkout: entry(checkoutCommand),
  gc: entry(gcCommand),
  remote: entry(remoteCommand),
  push: entry(pushCommand),
  fetch: entry(fetchCommand),
  pull: entry(pullCommand),
  get: entry(getCommand),
};

export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliPlace {
  readonly cwd: string;
  readonly homeDir: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs a command line in this process through runCli, as the CLI's main would. */
export async function slipway(place: CliPlace, ...args: string[]): Promise<Finished> {
  return captureCli(REMOTE_COMMANDS, args, { env: place.env ?? {}, cwd: place.cwd, homeDir: place.homeDir });
}

/** Like `slipway`, failing the test with the output when the exit status is not 0. */
export async function ok(place: CliPlace, ...args: string[]): Promise<string> {
  const result = await slipway(place, ...args);
  if (result.code !== 0) throw new Error(`slipway ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** A git repository with a Slipway workspace and `files` written (path → content). */
export async function makeWorkspace(parent: string, name: string, files: Record<string, string>): Promise<CliPlace> {
  const cwd = join(parent, name);
  await git('git', ['init', '-q', '-b', 'main', cwd]);
  for (const [key, value] of [
    ['user.name', 'T'],
    ['user.email', 't@example.com'],
    ['commit.gpgsign', 'false'],
  ]) {
    await git('git', ['-C', cwd, 'config', key as string, value as string]);
  }
  const place = { cwd, homeDir: join(parent, 'home') };
  await ok(place, 'init');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(cwd, path)), { recursive: true });
    await writeFile(join(cwd, path), content);
  }
  return place;
}

export async function commitAll(place: CliPlace): Promise<void> {
  await git('git', ['-C', place.cwd, 'add', '-A']);
  await git('git', ['-C', place.cwd, 'commit', '-qm', 'change']);
}

export async function cloneTo(source: CliPlace, parent: string, name: string): Promise<CliPlace> {
  const cwd = join(parent, name);
  await git('git', ['clone', '-q', source.cwd, cwd]);
  return { cwd, homeDir: source.homeDir };
}

export interface ObjectServer {
  readonly url: string;
  /** The server's object store folder. */
  readonly objects: string;
  close(): Promise<void>;
}

/** A real `slipway server` on a free loopback port, with a folder object store. */
export async function startObjectServer(
  server: NonNullable<ConfigLayer['server']> = {},
  auth?: ServerAuth,
): Promise<ObjectServer> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-remote-server-'));
  const objects = join(root, 'objects');
  const flags: ConfigLayer = {
    home: root,
    metadata: { uri: 'sqlite:///:memory:' },
    objects: { uri: objects },
    server: { port: 0, ...server },
  };
  const config = await loadConfig({ flags, env: {}, cwd: root, homeDir: root });
  const running: RunningServer = await startServer(config, {
    logger: pino({ level: 'silent' }),
    handleSignals: false,
    ...(auth ? { auth } : {}),
  });
  return {
    url: running.url,
    objects,
    close: async () => {
      await running.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
