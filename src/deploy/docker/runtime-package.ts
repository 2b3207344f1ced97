import type { DeploymentSpec } from '../deployment-spec.js';
import type { GeneratedFile } from '../write-generated-files.js';

/** The parts of an npm lockfile (v2/v3) that the runtime lockfile is derived from. */
export interface NpmLockfile {
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const RUNTIME_NAME = 'slipway-model-runtime';

/** The Slipway dependency as package.json writes it: an exact version, or the packed file in the context. */
const slipwayDependency = (spec: DeploymentSpec): string =>
  spec.slipway.source === 'tarball' ? `file:${spec.slipway.tarball}` : spec.slipway.version;

/** `runtime/package.json`: a private package whose one dependency is the pinned Slipway. */
export function runtimePackageJson(spec: DeploymentSpec): GeneratedFile {
  const pkg = {
    name: RUNTIME_NAME,
    version: '1.0.0',
    private: true,
    description: `Slipway ${spec.slipway.version} serving ${spec.model.name} ${spec.model.version} (${spec.model.digest})`,
    dependencies: { slipway: slipwayDependency(spec) },
  };
  return { path: 'runtime/package.json', content: `${JSON.stringify(pkg, null, 2)}\n` };
}

/**
 * `runtime/package-lock.json`, derived from Slipway's own lockfile: the same production dependency tree, every
 * package at the version and integrity Slipway was tested with, under a root that depends on Slipway itself. So
 * `npm ci` in the image installs exactly that tree. `tarballIntegrity` pins the packed package (tarball source).
 */
export function runtimeLockfile(
  spec: DeploymentSpec,
  slipwayLock: NpmLockfile,
  tarballIntegrity?: string,
): GeneratedFile {
  const root = slipwayLock.packages[''] ?? {};
  const slipwayEntry = {
    version: spec.slipway.version,
    ...(spec.slipway.source === 'tarball' ? { resolved: `file:${spec.slipway.tarball}` } : {}),
    ...(tarballIntegrity === undefined ? {} : { integrity: tarballIntegrity }),
    ...pick(root, ['license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'bin', 'engines']),
  };
  const packages: Record<string, unknown> = {
    '': { name: RUNTIME_NAME, version: '1.0.0', dependencies: { slipway: slipwayDependency(spec) } },
    'node_modules/slipway': slipwayEntry,
    ...productionEntries(slipwayLock),
  };
  const lock = { name: RUNTIME_NAME, version: '1.0.0', lockfileVersion: 3, requires: true, packages };
  return { path: 'runtime/package-lock.json', content: `${JSON.stringify(lock, null, 2)}\n` };
}

/** The installed packages of a lockfile that production needs: dev-only ones dropped, dev-or-optional made optional. */
function productionEntries(lock: NpmLockfile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev === true || entry.link === true) continue;
    if (entry.devOptional === true) {
      const { devOptional: _devOptional, ...rest } = entry;
      out[path] = { ...rest, optional: true };
    } else out[path] = entry;
  }
  return out;
}

const pick = (value: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]]));

/** Whether a parsed JSON value looks like an npm lockfile this module can derive from. */
export const isNpmLockfile = (value: unknown): value is NpmLockfile =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { lockfileVersion?: unknown }).lockfileVersion === 'number' &&
  (value as { lockfileVersion: number }).lockfileVersion >= 2 &&
  typeof (value as { packages?: unknown }).packages === 'object';
