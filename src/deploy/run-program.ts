import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface ProgramResult {
  /** The exit status; undefined when the program could not start (not installed) or was killed. */
  readonly code: number | undefined;
  /** Why it did not start or finish: `ENOENT`, a signal name. */
  readonly failure?: string;
  /** Its standard output, when not forwarded (bounded to 64 KiB). */
  readonly stdout: string;
}

export interface RunProgramOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Forward the program's output here instead of capturing it (its stdout and stderr both). */
  readonly forward?: Writable;
  /** Kill it after this many milliseconds. */
  readonly timeoutMs?: number;
}

const MAX_CAPTURE = 64 * 1024;

/**
 * Runs an external program (docker, kubectl) with an argv array: no shell, so no value is ever interpolated into a
 * command line. Never rejects: a missing program or a timeout is reported in the result.
 */
export function runProgram(
  program: string,
  args: readonly string[],
  options: RunProgramOptions,
): Promise<ProgramResult> {
  const forward = options.forward;
  const child = spawn(program, args, {
    env: options.env,
    shell: false,
    stdio: ['ignore', 'pipe', forward === undefined ? 'ignore' : 'pipe'],
    timeout: options.timeoutMs,
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (forward !== undefined) forward.write(chunk);
    else if (stdout.length < MAX_CAPTURE) stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => forward?.write(chunk));
  return new Promise((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ code: undefined, failure: error.code ?? error.message, stdout }),
    );
    child.on('close', (code, signal) =>
      resolve(code === null ? { code: undefined, failure: signal ?? 'killed', stdout } : { code, stdout }),
    );
  });
}
