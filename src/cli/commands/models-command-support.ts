import { userInfo } from 'node:os';
import { openRegistryClient } from '../../client/open-registry-client.js';
import { loadConfig } from '../../config/load-config.js';
import type { RegistryClient } from '../../registry/registry-client.js';
import type { CliContext } from '../cli-context.js';
import { type TrackingOptions, trackingUriFor } from './tracking-command-support.js';

/** The OS user running the CLI: the actor of the registry changes it makes (the audit trail records it). */
export function osUser(context: CliContext): string {
  try {
    return userInfo().username || context.env.USER || 'anonymous';
  } catch {
    return context.env.USER || 'anonymous';
  }
}

/** Opens the registry client the options or the configuration name, runs `fn`, and closes it. */
export async function withRegistry<T>(
  context: CliContext,
  options: TrackingOptions,
  fn: (client: RegistryClient) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const uri = trackingUriFor(context, options, config);
  const client = await openRegistryClient(uri, { objectsUri: config.objects.uri, actor: osUser(context) });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
