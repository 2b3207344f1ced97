import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { gitError } from './run-git.js';

/** Runs `git <args>` and hands each line of its output to `onLine` as it arrives (for outputs too big to buffer). */
export async function streamGitLines(
  cwd: string,
  args: readonly string[],
  onLine: (line: string) => void | Promise<void>,
): Promise<void> {
  const child = spawn('git', [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  exited.catch(() => {});
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY })) {
    await onLine(line);
  }
  const code = await exited.catch((error: unknown) => {
    throw gitError(error, args);
  });
  if (code !== 0) throw gitError(Object.assign(new Error(stderr), { stderr }), args);
}
