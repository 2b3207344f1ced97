import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { SlipwayError } from '../domain/errors.js';
import type { Stage } from './types.js';

/** Where a stage's command writes: its standard output and standard error are forwarded here. */
export interface StageOutput {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/**
 * Runs a stage's command in its wdir: a list is spawned as argv (no shell); a string goes to the shell because the
 * user wrote a shell line. Nothing is interpolated into either; the stage's name is in SLIPWAY_STAGE.
 * Resolves on exit 0; rejects with INVALID_STATE naming the stage and the exit status or signal.
 */
export function runStageCommand(root: string, stage: Stage, output: StageOutput): Promise<void> {
  const cwd = join(root, ...stage.wdir.split('/').filter(Boolean));
  const env = { ...process.env, SLIPWAY_STAGE: stage.name };
  const child =
    typeof stage.cmd === 'string'
      ? spawn(stage.cmd, { cwd, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(stage.cmd[0] as string, stage.cmd.slice(1), {
          cwd,
          env,
          shell: false,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  child.stdout.on('data', (chunk: Buffer) => output.stdout.write(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.stderr.write(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => reject(spawnFailed(stage, error)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(commandFailed(stage, code, signal));
    });
  });
}

const spawnFailed = (stage: Stage, error: NodeJS.ErrnoException) =>
  new SlipwayError(
    'INVALID_STATE',
    `Stage ${stage.name} could not start ${typeof stage.cmd === 'string' ? 'the shell' : JSON.stringify(stage.cmd[0])}: ${error.code ?? error.message}.`,
    {
      hint:
        error.code === 'ENOENT'
          ? 'Check that the program is installed and on PATH, and that wdir exists.'
          : 'Check the command.',
      cause: error,
    },
  );

const commandFailed = (stage: Stage, code: number | null, signal: NodeJS.Signals | null) =>
  new SlipwayError(
    'INVALID_STATE',
    `Stage ${stage.name} failed: its command ${signal === null ? `exited with status ${code}` : `was killed by ${signal}`}.`,
    {
      hint: `Fix the command (its output is above), then run \`slipway repro\` again; ${stage.name} stays stale in slipway.lock.`,
    },
  );
