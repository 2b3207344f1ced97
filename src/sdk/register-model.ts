import { userInfo } from 'node:os';
import { openRegistryClient } from '../client/open-registry-client.js';
import { ensureRegisteredModel } from '../registry/ensure-registered-model.js';
import type { ModelVersion } from '../registry/types.js';

export interface RegisterModelInput {
  /** The registered model; created when missing. */
  readonly name: string;
  /** What to pin: `runs:/<run>/<path>` (the run's model folder), `mlflow-artifacts:/…` or `models:/…`. */
  readonly source: string;
  readonly runId?: string;
  readonly description?: string;
  /** Moves this alias (`production`, `champion`…) to the new version. */
  readonly alias?: string;
}

/** Where the registry is: the SDK's tracking URI, and the object store of a direct URI. */
export interface RegistryLocation {
  readonly trackingUri: string;
  readonly objectsUri: string | undefined;
}

/** Registers a new version of `input.name` (pinning its source) and moves `alias` to it when given. */
export async function registerModel(where: RegistryLocation, input: RegisterModelInput): Promise<ModelVersion> {
  const registry = await openRegistryClient(where.trackingUri, { objectsUri: where.objectsUri ?? '', actor: actor() });
  try {
    await ensureRegisteredModel(registry, input.name);
    const version = await registry.createModelVersion({
      name: input.name,
      source: input.source,
      runId: input.runId,
      description: input.description,
    });
    if (input.alias === undefined) return version;
    await registry.setAlias(input.name, input.alias, version.version);
    return await registry.getModelVersion(input.name, version.version);
  } finally {
    await registry.close();
  }
}

function actor(): string {
  try {
    return userInfo().username || 'sdk';
  } catch {
    return 'sdk';
  }
}
