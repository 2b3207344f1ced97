import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { configError, formatKeyPath, problemsOf } from './config-problems.js';
import { type Config, type ConfigLayer, configLayerSchema } from './config-schema.js';
import { type Env, envLayer } from './env-layer.js';
import { findWorkspaceRoot, WORKSPACE_DIR } from './find-workspace-root.js';
import { type ReadConfigFileOptions, readConfigFile } from './read-config-file.js';
import { mergeLayers, resolveConfig, resolveLayerPaths } from './resolve-config.js';

export const CONFIG_FILE_NAME = 'config.yaml';

export interface LoadConfigOptions {
  /** Command-line flags: the highest layer. */
  readonly flags?: ConfigLayer;
  readonly env?: Env;
  readonly cwd?: string;
  /** The user's home directory, holding `.slipway/config.yaml`. */
  readonly homeDir?: string;
}

/** The flag that sets each key, for messages about bad flag values. */
export const FLAG_NAMES: Readonly<Record<string, string>> = {
  home: '--home',
  'metadata.uri': '--backend-store-uri',
  'objects.uri': '--artifacts-destination',
  'server.host': '--host',
  'server.port': '--port',
  'server.allowedHosts': '--allowed-hosts',
  'server.allowedOrigins': '--allowed-origins',
  'server.insecure': '--insecure',
  'server.bodyLimitBytes': '--body-limit-bytes',
  'log.level': '--log-level',
  'deployments.supervise': '--no-supervise',
};

/** A workspace config is committed to git; it may not lower the server's guard. */
const WORKSPACE_FORBIDDEN = [
  {
    path: ['server', 'insecure'],
    reason:
      'may not be set in a workspace config file (it is shared through git); use ~/.slipway/config.yaml, SLIPWAY_INSECURE=1 or --insecure',
  },
  {
    path: ['remotes', '*', 'token'],
    reason:
      'is a secret and may not be set in a workspace config file (it is shared through git); use ~/.slipway/config.yaml or SLIPWAY_REMOTE_<NAME>_TOKEN',
  },
  {
    path: ['webhooks', 'allowPrivateTargets'],
    reason:
      'may not be set in a workspace config file (it is shared through git); use ~/.slipway/config.yaml or SLIPWAY_WEBHOOKS_ALLOW_PRIVATE_TARGETS=1',
  },
];

/**
 * The configuration, by precedence: flags > `SLIPWAY_*` environment > workspace `.slipway/config.yaml`
 * (nearest above cwd) > `~/.slipway/config.yaml` > defaults. Reads only those two files.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const homeDir = resolve(options.homeDir ?? homedir());
  const fromFiles = await readFileLayers(cwd, homeDir);
  const layers = [
    ...fromFiles.layers,
    resolveLayerPaths(envLayer(options.env ?? process.env), cwd, homeDir),
    resolveLayerPaths(flagsLayer(options.flags ?? {}), cwd, homeDir),
  ];
  return resolveConfig(mergeLayers(layers), { cwd, workspaceRoot: fromFiles.workspaceRoot, files: fromFiles.files });
}

interface FileLayers {
  readonly layers: ConfigLayer[];
  readonly files: string[];
  readonly workspaceRoot: string | undefined;
}

/** The user file then the workspace file (lowest precedence first), paths resolved against their base. */
async function readFileLayers(cwd: string, homeDir: string): Promise<FileLayers> {
  const workspaceRoot = await findWorkspaceRoot(cwd, homeDir);
  const sources: Array<{ base: string; options: ReadConfigFileOptions }> = [{ base: homeDir, options: {} }];
  if (workspaceRoot !== undefined) sources.push({ base: workspaceRoot, options: { forbidden: WORKSPACE_FORBIDDEN } });
  const result: FileLayers = { layers: [], files: [], workspaceRoot };
  for (const { base, options } of sources) {
    const file = join(base, WORKSPACE_DIR, CONFIG_FILE_NAME);
    const layer = await readConfigFile(file, options);
    if (layer === undefined) continue;
    result.layers.push(resolveLayerPaths(layer, base, homeDir));
    result.files.push(file);
  }
  return result;
}

function flagsLayer(flags: ConfigLayer): ConfigLayer {
  const parsed = configLayerSchema.safeParse(flags);
  if (parsed.success) return parsed.data;
  throw configError(problemsOf(parsed.error).map((p) => `${flagFor(p.path)}: ${p.message}`));
}

function flagFor(path: readonly PropertyKey[]): string {
  const key = formatKeyPath(path.slice(0, 2));
  return FLAG_NAMES[key] ?? FLAG_NAMES[formatKeyPath(path.slice(0, 1))] ?? key;
}
