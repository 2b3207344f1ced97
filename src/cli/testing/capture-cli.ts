import { PassThrough } from 'node:stream';
import type { Env } from '../../config/env-layer.js';
import type { CommandTable } from '../cli-context.js';
import { runCli } from '../run-cli.js';

/** What a command line printed and how it exited. */
export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CaptureCliOptions {
  readonly cwd: string;
  readonly homeDir: string;
  readonly env?: Env;
  readonly version?: string;
}

/** Runs a command line in this process through runCli, as the CLI's main would, capturing both outputs. */
export async function captureCli(
  commands: CommandTable,
  argv: readonly string[],
  options: CaptureCliOptions,
): Promise<CliOutcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = { stdout: '', stderr: '' };
  stdout.on('data', (chunk: Buffer) => {
    text.stdout += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    text.stderr += chunk.toString();
  });
  const code = await runCli(argv, {
    commands,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd,
    homeDir: options.homeDir,
    version: options.version ?? '0',
  });
  return { code, ...text };
}
