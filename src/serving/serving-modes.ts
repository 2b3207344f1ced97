import { basename } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { invalidParameter } from '../domain/errors.js';
import { DeploymentFollower } from './deployment/follow-deployment.js';
import { type LoadVersionOptions, loadServedVersion } from './engine/load-version.js';
import { ModelDeployment } from './engine/model-deployment.js';
import type { ServedVersion } from './engine/served-version.js';
import { singleVersion, type TrafficPolicy } from './engine/traffic-policy.js';
import type { FollowDeploymentOption, RunningServing, ServeModelOptions, ServeOptions } from './serve-options.js';
import { folderModelSource, type ModelSourceResolver, type ResolvedModel, servedName } from './source/model-source.js';

/** What differs between serving a model URI and following a deployment. */
export interface ServingMode {
  readonly deployment: ModelDeployment;
  readonly follower?: DeploymentFollower;
  readonly load: Load;
  readonly apply: RunningServing['apply'];
  readonly swap: RunningServing['swap'];
  readonly reload: () => Promise<void>;
  /** Loads and applies the first versions, before the server listens. */
  prepare(): Promise<void>;
  /** Runs first when the server closes. */
  stop(): Promise<void>;
}

export type Load = (uri: string, version?: string) => Promise<ServedVersion>;

/** One model URI (plus canaries and shadows); SIGHUP resolves it again and swaps if it moved. */
export async function servingModel(
  options: ServeModelOptions & Pick<ServeOptions, 'resolver'>,
  loadOptions: LoadVersionOptions,
  logger: FastifyBaseLogger,
): Promise<ServingMode> {
  const resolver = options.resolver ?? folderModelSource({ name: options.name, version: options.modelVersion });
  let current = await resolver.resolve(options.model);
  const deployment = new ModelDeployment(current.name);
  const labels = new Set<string>();
  const load = async (uri: string, version?: string) => {
    const resolved = await resolver.resolve(uri);
    for (const v of deployment.versions()) labels.add(v.version);
    // Another folder that resolves to a version already served gets its folder's name as version.
    const clash = labels.has(resolved.version) && uri !== options.model;
    const label = version ?? (clash ? uniqueLabel(resolved, labels) : resolved.version);
    labels.add(label);
    return loadServedVersion({ ...resolved, name: deployment.name, version: label }, loadOptions);
  };
  const swap = async (uri: string, version?: string) => {
    const served = await load(uri, version);
    await applyOrClose(deployment, [served], singleVersion(served.version));
    logger.info({ model: deployment.name, version: served.version }, 'swapped to a new version');
  };
  const reload = async () => {
    const resolved = await resolver.resolve(options.model);
    if (resolved.digest !== undefined && resolved.digest === current.digest) return;
    current = resolved;
    await swap(options.model, resolved.version);
  };
  const apply = (versions: readonly ServedVersion[], policy: TrafficPolicy) =>
    applyOrClose(deployment, versions, policy);
  const prepare = () => applyInitial(deployment, options, load);
  return { deployment, load, apply, swap, reload, prepare, stop: async () => {} };
}

/**
 * A deployment record: the follower applies its revisions; swaps by hand are refused (change the deployment). With
 * `closeClient`, the client is closed when the server closes or fails to start (`prepare` checks, `stop` closes).
 */
export function followingDeployment(
  follow: FollowDeploymentOption,
  given: ModelSourceResolver | undefined,
  loadOptions: LoadVersionOptions,
  logger: FastifyBaseLogger,
): ServingMode {
  const resolver = given ?? folderModelSource();
  const deployment = new ModelDeployment(servedName(follow.model));
  const follower = new DeploymentFollower({ ...follow, resolver, deployment, load: loadOptions, logger });
  const refuse = async () => {
    throw invalidParameter(`This server follows the deployment ${follow.model}/${follow.environment}.`, {
      hint: 'Change the deployment instead; the server applies its new revision by itself.',
    });
  };
  const load: Load = async (uri, version) => {
    const resolved = await resolver.resolve(uri);
    return loadServedVersion({ ...resolved, name: deployment.name, version: version ?? resolved.version }, loadOptions);
  };
  const stop = async () => {
    await follower.close();
    if (follow.closeClient === true) await follow.client.close();
  };
  const prepare = async () => {
    if (given === undefined) {
      throw invalidParameter('Following a deployment needs a resolver for models:/<name>/<version> URIs.');
    }
  };
  return { deployment, follower, load, apply: refuse, swap: refuse, reload: () => follower.poll(), prepare, stop };
}

async function applyInitial(deployment: ModelDeployment, options: ServeModelOptions, load: Load): Promise<void> {
  const loaded: ServedVersion[] = [];
  const take = async (uri: string) => {
    const served = await load(uri);
    loaded.push(served);
    return served;
  };
  try {
    const primary = await take(options.model);
    const canaries = [];
    for (const canary of options.canary ?? [])
      canaries.push({ version: (await take(canary.uri)).version, weight: canary.weight });
    const shadow = [];
    for (const uri of options.shadow ?? []) shadow.push((await take(uri)).version);
    const rest = 100 - canaries.reduce((sum, c) => sum + c.weight, 0);
    if (rest < 0) throw invalidParameter('The canary weights add up to more than 100 percent.');
    const policy: TrafficPolicy = {
      routes: [{ version: primary.version, weight: rest }, ...canaries],
      ...(shadow.length > 0 ? { shadow } : {}),
      ...(options.stickyHeader === undefined ? {} : { stickyHeader: options.stickyHeader }),
    };
    await deployment.apply(loaded, policy);
  } catch (error) {
    await Promise.allSettled(loaded.map((served) => served.retire()));
    throw error;
  }
}

async function applyOrClose(deployment: ModelDeployment, versions: readonly ServedVersion[], policy: TrafficPolicy) {
  try {
    await deployment.apply(versions, policy);
  } catch (error) {
    const live = new Set(deployment.versions());
    await Promise.allSettled(versions.filter((v) => !live.has(v)).map((v) => v.retire()));
    throw error;
  }
}

function uniqueLabel(resolved: ResolvedModel, taken: ReadonlySet<string>): string {
  const base = servedName(basename(resolved.folder));
  let label = base;
  for (let i = 2; taken.has(label); i++) label = `${base}-${i}`;
  return label;
}
