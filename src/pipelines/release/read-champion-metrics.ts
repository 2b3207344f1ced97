import { invalidParameter, isSlipwayError } from '../../domain/errors.js';
import type { RegistryClient } from '../../registry/registry-client.js';
import type { RegisteredModel } from '../../registry/types.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import type { ChampionMetrics, ReadChampion } from './evaluate-gates.js';

export interface ChampionDeps {
  readonly registry: Pick<RegistryClient, 'getRegisteredModel' | 'getVersionByAlias'>;
  readonly tracking: Pick<TrackingClient, 'getRun'>;
}

/** The latest value of each metric of a run. */
export async function readRunMetrics(
  tracking: Pick<TrackingClient, 'getRun'>,
  runId: string,
): Promise<Record<string, number>> {
  const run = await tracking.getRun(runId);
  return Object.fromEntries(run.data.metrics.map((metric) => [metric.key, metric.value]));
}

/**
 * The champion of `model` at `alias`: the version the alias points to, its source run, and that run's metrics.
 * Undefined when the model is not registered yet or has no such alias (the first release). A version registered
 * without a run has no metrics to compare with: INVALID_PARAMETER_VALUE.
 */
export async function readChampionMetrics(
  deps: ChampionDeps,
  model: string,
  alias: string,
): Promise<ChampionMetrics | undefined> {
  const registered = await registeredModel(deps, model);
  if (registered === undefined || !registered.aliases.some((entry) => entry.alias === alias)) return undefined;
  const version = await deps.registry.getVersionByAlias(model, alias);
  if (version.runId === '') {
    throw invalidParameter(
      `Version ${version.version} of ${model} (alias ${alias}) was registered without a source run, so there are no metrics to compare the candidate with.`,
      {
        hint: `Point ${alias} at a version registered from a run (slipway release registers from runs), or remove better_than: ${alias} from the gate.`,
      },
    );
  }
  return {
    alias,
    version: version.version,
    runId: version.runId,
    metrics: await readRunMetrics(deps.tracking, version.runId),
  };
}

/** readChampionMetrics for one model, as evaluateGates reads champions. */
export const championReader =
  (deps: ChampionDeps, model: string): ReadChampion =>
  (alias) =>
    readChampionMetrics(deps, model, alias);

async function registeredModel(deps: ChampionDeps, model: string): Promise<RegisteredModel | undefined> {
  try {
    return await deps.registry.getRegisteredModel(model);
  } catch (error) {
    if (isSlipwayError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
}
