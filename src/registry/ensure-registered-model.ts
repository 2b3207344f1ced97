import { isSlipwayError } from '../domain/errors.js';
import type { RegistryClient } from './registry-client.js';

/** Registers the model name unless it is already registered (also when another client registers it meanwhile). */
export async function ensureRegisteredModel(
  registry: Pick<RegistryClient, 'createRegisteredModel'>,
  name: string,
): Promise<void> {
  try {
    await registry.createRegisteredModel({ name });
  } catch (error) {
    if (!isSlipwayError(error) || error.code !== 'RESOURCE_ALREADY_EXISTS') throw error;
  }
}
