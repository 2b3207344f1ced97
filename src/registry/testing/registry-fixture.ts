import { Readable } from 'node:stream';
import { putArtifact } from '../../artifacts/put-artifact.js';
import { artifactRootOf } from '../../artifacts/run-artifact-root.js';
import { joinArtifactPath, parseArtifactPath } from '../../domain/artifact-path.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import type { ObjectStore } from '../../storage/objects/types.js';
import { createRun } from '../../tracking/create-run.js';
import type { RegistryDeps } from '../types.js';

/** A signature column spec list as MLflow writes it into MLmodel (a JSON string). */
export const columns = (...specs: ReadonlyArray<readonly [string, string]>): string =>
  JSON.stringify(specs.map(([name, type]) => ({ type, name, required: true })));

/** An MLmodel file with a signature (inputs and outputs are JSON strings, as MLflow writes them). */
export function mlmodel(inputs: string, outputs = columns(['quality', 'double'])): string {
  return [
    'artifact_path: model',
    'flavors:',
    '  onnx: {onnx_version: 1.16.0, data: model.onnx}',
    'signature:',
    `  inputs: '${inputs}'`,
    `  outputs: '${outputs}'`,
  ].join('\n');
}

export interface RegistryFixture {
  readonly deps: RegistryDeps;
  readonly objects: ObjectStore;
  /** Logs files as artifacts of a new run (through the artifact proxy's use case); returns the run id. */
  logRun(files: Readonly<Record<string, string>>, folder?: string): Promise<string>;
  /** Overwrites one artifact of an existing run. */
  overwrite(runId: string, path: string, content: string): Promise<void>;
}

const MAX = 10 * 1024 * 1024;

/** Registry deps over a store, an in-memory object store, a fixed actor and a clock that ticks 1 ms per call. */
export async function registryFixture(
  metadata: MetadataStore,
  actor = 'alice',
  store?: ObjectStore,
): Promise<RegistryFixture> {
  const objects = store ?? (await openObjectStore('memory://'));
  let time = 1_700_000_000_000;
  const deps: RegistryDeps = { metadata, objects, actor, now: () => time++ };
  const runRoots = new Map<string, string>();
  const put = async (runId: string, path: string, content: string) => {
    const root = artifactRootOf(runRoots.get(runId) ?? '');
    const full = joinArtifactPath('path', root, parseArtifactPath(path));
    await putArtifact(
      { metadata, objects },
      { path: full, body: Readable.from([Buffer.from(content)]), maxBytes: MAX },
    );
  };
  return {
    deps,
    objects,
    async logRun(files, folder = 'model') {
      const run = await createRun({ metadata }, {});
      runRoots.set(run.info.runId, run.info.artifactUri);
      for (const [path, content] of Object.entries(files)) await put(run.info.runId, `${folder}/${path}`, content);
      return run.info.runId;
    },
    overwrite: put,
  };
}
