import type { Writable } from 'node:stream';
import { invalidParameter, SlipwayError } from '../../domain/errors.js';
import { runProgram } from '../run-program.js';

/** The kubectl context in use; INVALID_PARAMETER_VALUE when kubectl is missing or has no cluster configured. */
export async function kubectlContext(env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runProgram('kubectl', ['config', 'current-context'], { env, timeoutMs: 20_000 });
  if (result.failure === 'ENOENT') {
    throw invalidParameter('Cannot apply the manifests: the kubectl command is not installed (not on PATH).', {
      hint: 'Install kubectl and configure a cluster, or apply the written manifests yourself.',
    });
  }
  const context = result.stdout.trim();
  if (result.code !== 0 || context === '') {
    throw invalidParameter('Cannot apply the manifests: kubectl has no current context (no cluster configured).', {
      hint: 'Set KUBECONFIG or run `kubectl config use-context <name>`, then `kubectl apply -f <dir>`.',
    });
  }
  return context;
}

/** `kubectl apply --filename <dir>`, output forwarded; INVALID_STATE when it fails. Returns the context used. */
export async function kubectlApply(env: NodeJS.ProcessEnv, dir: string, output: Writable): Promise<string> {
  const context = await kubectlContext(env);
  const result = await runProgram('kubectl', ['apply', '--filename', dir], { env, forward: output });
  if (result.code === 0) return context;
  throw new SlipwayError(
    'INVALID_STATE',
    `kubectl apply of ${dir} on ${context} failed (${result.failure ?? `exit status ${result.code}`}).`,
    {
      hint: 'Its output is above: fix the cause (permissions, a missing CRD for --kserve) and apply again.',
    },
  );
}
