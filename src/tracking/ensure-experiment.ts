import { isSlipwayError } from '../domain/errors.js';
import type { TrackingClient } from './tracking-client.js';
import type { Experiment } from './types.js';

/**
 * The experiment named `name`, created when it does not exist yet. Safe against a race: when another process
 * creates it between the lookup and the create, that one is returned.
 */
export async function ensureExperiment(
  client: Pick<TrackingClient, 'getExperimentByName' | 'createExperiment'>,
  name: string,
): Promise<Experiment> {
  try {
    return await client.getExperimentByName(name);
  } catch (error) {
    if (!isSlipwayError(error) || error.code !== 'RESOURCE_DOES_NOT_EXIST') throw error;
  }
  try {
    await client.createExperiment({ name });
  } catch (error) {
    if (!isSlipwayError(error) || error.code !== 'RESOURCE_ALREADY_EXISTS') throw error;
  }
  return client.getExperimentByName(name);
}
