import { loadConfig } from '../../config/load-config.js';
import { loadPipeline } from '../../pipelines/parse-pipeline.js';
import type { EnvironmentConfig } from '../../pipelines/release/release-config.js';
import type { CliContext } from '../cli-context.js';

/** An environment of the workspace's slipway.yaml, and the model its release sections name. */
export interface WorkspaceEnvironment {
  readonly model: string | undefined;
  readonly environment: EnvironmentConfig;
}

/**
 * The environment `name` of the slipway.yaml of the workspace the command runs in; undefined outside a workspace,
 * without a slipway.yaml, or when it has no such environment. (An invalid slipway.yaml is reported by the commands
 * that need it, not here: these are defaults.)
 */
export async function workspaceEnvironment(
  context: CliContext,
  name: string,
): Promise<WorkspaceEnvironment | undefined> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  if (config.workspaceRoot === undefined) return undefined;
  const release = (await loadPipeline(config.workspaceRoot).catch(() => undefined))?.release;
  const environment = release?.environments.find((candidate) => candidate.name === name);
  return environment === undefined ? undefined : { model: release?.model?.name, environment };
}
