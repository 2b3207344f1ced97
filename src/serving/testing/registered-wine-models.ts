import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { putArtifact } from '../../artifacts/put-artifact.js';
import { artifactRootOf } from '../../artifacts/run-artifact-root.js';
import { joinArtifactPath, parseArtifactPath } from '../../domain/artifact-path.js';
import { ModelCache } from '../../models/cache/model-cache.js';
import { fetchRegisteredModel } from '../../registry/fetch-registered-model.js';
import type { RegistryClient } from '../../registry/registry-client.js';
import { createSqlRegistryClient } from '../../registry/sql-registry-client.js';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import { createRun } from '../../tracking/create-run.js';
import { folderModelSource, type ModelSourceResolver } from '../source/model-source.js';
import { registryModelSource } from '../source/registry-model-source.js';
import { writeWineModel } from './wine-model.js';

export interface RegisteredWineModels {
  /** The registry source for `models:/wine/<version>` (models fetched into a temp model cache). */
  readonly resolver: ModelSourceResolver;
  readonly client: RegistryClient;
  /** Registers a wine-like ONNX model (weights from `seed`) as the next version of `wine`; returns the version. */
  register(seed: number): Promise<string>;
  /** Registers a version whose model.onnx is not an ONNX model: it resolves and downloads, and fails to load. */
  registerBroken(): Promise<string>;
  close(): Promise<void>;
}

/** A real registry (SQLite in memory, objects in memory) holding wine models, and the serving source over it. */
export async function registeredWineModels(): Promise<RegisteredWineModels> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-registered-wine-'));
  const metadata = await openMetadata('sqlite:///:memory:');
  const objects = await openObjectStore('memory://');
  const client = createSqlRegistryClient({ metadata, objects, actor: 'alice' });
  await client.createRegisteredModel({ name: 'wine' });
  const cache = new ModelCache({ root: join(dir, 'cache'), store: objects });
  const register = async (files: ReadonlyMap<string, Buffer>) => {
    const run = await createRun({ metadata }, {});
    const root = artifactRootOf(run.info.artifactUri);
    for (const [name, bytes] of files) {
      const path = joinArtifactPath('path', root, parseArtifactPath(`model/${name}`));
      await putArtifact({ metadata, objects }, { path, body: Readable.from([bytes]), maxBytes: 64 * 1024 * 1024 });
    }
    const source = `runs:/${run.info.runId}/model`;
    return (await client.createModelVersion({ name: 'wine', source })).version;
  };
  let written = 0;
  const wineFiles = async (seed: number) => {
    const folder = await writeWineModel(join(dir, `model-${++written}`), { seed });
    const names = await readdir(folder);
    return new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name))] as const)));
  };
  return {
    resolver: registryModelSource((uri) => fetchRegisteredModel(client, cache, uri), folderModelSource()),
    client,
    register: async (seed) => register(await wineFiles(seed)),
    registerBroken: async () => register(new Map([...(await wineFiles(1)), ['model.onnx', Buffer.from('not onnx')]])),
    async close() {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
