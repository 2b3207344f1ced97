import { basename, resolve } from 'node:path';
import { invalidParameter } from '../../domain/errors.js';
import { type ModelUri, parseModelUri } from '../../domain/model-uri.js';

/** A model made local: the folder to load, and the name and version it is served (and logged) under. */
export interface ResolvedModel {
  readonly folder: string;
  readonly name: string;
  readonly version: string;
  /** The model tree digest, when the source pins one (registry sources do; a bare folder does not). */
  readonly digest?: string;
}

/**
 * Turns a model URI into a local model folder. The folder resolver is the only one here; the registry adds
 * `models:/…` and `runs:/…` (download by digest into the model cache, verify, read-only) by implementing this
 * interface and passing it to `startServing`. Resolving again may give a new version (an alias that moved):
 * the server hot-swaps to it.
 */
export interface ModelSourceResolver {
  resolve(uri: string): Promise<ResolvedModel>;
}

export interface FolderSourceOptions {
  /** Served name; default the folder's base name. */
  readonly name?: string;
  /** Served version; default `1`. */
  readonly version?: string;
}

/** Resolves local folders (a path or `file:///…`); other URIs are refused with a hint. */
export function folderModelSource(options: FolderSourceOptions = {}, cwd = process.cwd()): ModelSourceResolver {
  return {
    async resolve(uri: string): Promise<ResolvedModel> {
      const parsed = parseModelUri(uri);
      if (parsed.kind !== 'folder') throw unsupported(uri, parsed);
      const folder = resolve(cwd, parsed.path);
      return { folder, name: options.name ?? servedName(basename(folder)), version: options.version ?? '1' };
    },
  };
}

/** A folder name as a model name: what OIP paths and metric labels can carry. */
export const servedName = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 128) || 'model';

function unsupported(uri: string, parsed: ModelUri) {
  return invalidParameter(
    `Serving '${uri.slice(0, 200)}' needs the model registry (${parsed.kind} URIs are resolved by the server).`,
    { hint: 'Serve a local model folder for now: slipway serve ./path/to/model' },
  );
}
