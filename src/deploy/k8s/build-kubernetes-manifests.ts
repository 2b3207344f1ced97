import type { Writable } from 'node:stream';
import type { DeploymentSpec } from '../deployment-spec.js';
import { writeGeneratedFiles } from '../write-generated-files.js';
import { generateKubernetesManifests, type KubernetesTargetOptions } from './generate-kubernetes-manifests.js';
import { kubectlApply } from './kubectl-apply.js';

export interface BuildKubernetesInput extends KubernetesTargetOptions {
  readonly spec: DeploymentSpec;
  readonly outDir: string;
  readonly force?: boolean;
  /** Run `kubectl apply` on the written folder. */
  readonly apply?: boolean;
}

export interface BuildKubernetesDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly output: Writable;
}

export interface BuildKubernetesResult {
  readonly files: string[];
  /** The kubectl context the manifests were applied to, when --apply. */
  readonly appliedTo?: string;
}

/** Writes the manifests (atomically, refusing to clobber without force), then applies them when asked. */
export async function buildKubernetesManifests(
  deps: BuildKubernetesDeps,
  input: BuildKubernetesInput,
): Promise<BuildKubernetesResult> {
  const files = generateKubernetesManifests(input.spec, input);
  const written = await writeGeneratedFiles(input.outDir, files, { force: input.force });
  if (input.apply !== true) return { files: written };
  return { files: written, appliedTo: await kubectlApply(deps.env, input.outDir, deps.output) };
}
