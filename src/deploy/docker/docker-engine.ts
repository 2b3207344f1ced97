import type { Writable } from 'node:stream';
import { SlipwayError } from '../../domain/errors.js';
import { runProgram } from '../run-program.js';

/** Whether a Docker engine answers, and if not, why (in words a user can act on). */
export interface EngineStatus {
  readonly reachable: boolean;
  readonly serverVersion?: string;
  readonly reason?: string;
}

/** Asks `docker info` for the engine's version: reachable only when the CLI runs and the daemon answers. */
export async function dockerEngineStatus(env: NodeJS.ProcessEnv): Promise<EngineStatus> {
  const result = await runProgram('docker', ['info', '--format', '{{.ServerVersion}}'], { env, timeoutMs: 20_000 });
  if (result.failure === 'ENOENT')
    return { reachable: false, reason: 'the docker command is not installed (not on PATH)' };
  if (result.code !== 0) {
    const why = result.code === undefined ? `docker info did not finish (${result.failure})` : 'docker info failed';
    return {
      reachable: false,
      reason: `no Docker engine is reachable (${why}; is the daemon running, DOCKER_HOST set?)`,
    };
  }
  return { reachable: true, serverVersion: result.stdout.trim() };
}

/** `docker build --tag <image> <dir>`, its output forwarded; INVALID_STATE when the build fails. */
export async function dockerBuild(env: NodeJS.ProcessEnv, dir: string, image: string, output: Writable): Promise<void> {
  const result = await runProgram('docker', ['build', '--tag', image, dir], { env, forward: output });
  if (result.code === 0) return;
  throw new SlipwayError(
    'INVALID_STATE',
    `docker build of ${image} failed (${result.failure ?? `exit status ${result.code}`}).`,
    {
      hint: `Its output is above. The context is in ${dir}; fix the cause and run \`docker build --tag ${image} ${dir}\`.`,
    },
  );
}
