import { invalidParameter } from '../../domain/errors.js';
import type { ObjectStore, ObjectStoreFactory } from './types.js';

export type ObjectStoreAdapters = Readonly<Record<string, () => Promise<ObjectStoreFactory>>>;

/** Object store adapters by URI scheme, loaded on first use (the S3 SDK loads only for s3:// URIs). */
export const OBJECT_STORE_ADAPTERS = {
  file: () => import('./fs-object-store.js').then((module) => module.createFsObjectStore),
  s3: () => import('./s3-object-store.js').then((module) => module.createS3ObjectStore),
  memory: () => import('./memory-object-store.js').then((module) => module.createMemoryObjectStore),
  http: () => import('./http-object-store.js').then((module) => module.createHttpObjectStore),
  https: () => import('./http-object-store.js').then((module) => module.createHttpObjectStore),
} as const satisfies ObjectStoreAdapters;

export type ObjectStoreScheme = keyof typeof OBJECT_STORE_ADAPTERS;

const EXAMPLES: Readonly<Record<string, string>> = {
  file: '/srv/slipway-objects, ./relative/folder or file:///srv/slipway-objects',
  s3: 's3://bucket/prefix (options: ?endpoint=http://127.0.0.1:9000&region=us-east-1&force_path_style=true)',
  memory: 'memory:// or memory://name (in-process, for tests)',
  http: "http://127.0.0.1:5000 (a Slipway server's object API; https:// too)",
  https: 'https://slipway.example.com/prefix (a Slipway server behind TLS)',
};

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/** The scheme of a store URI; a URI without `scheme://` is a local path, so `file`. */
export const objectStoreScheme = (uri: string): string => SCHEME.exec(uri)?.[1]?.toLowerCase() ?? 'file';

/** Opens the object store a URI names, loading its adapter on demand. */
export const openObjectStore = async (
  uri: string,
  adapters: ObjectStoreAdapters = OBJECT_STORE_ADAPTERS,
): Promise<ObjectStore> => {
  const scheme = objectStoreScheme(uri);
  const load = Object.hasOwn(adapters, scheme) ? adapters[scheme] : undefined;
  if (load === undefined) throw unknownScheme(uri, scheme, Object.keys(adapters));
  const factory = await load();
  return factory(uri);
};

const unknownScheme = (uri: string, scheme: string, known: readonly string[]) =>
  invalidParameter(`Unknown object store scheme '${scheme}' in '${uri}'. Known schemes: ${known.join(', ')}.`, {
    hint: `Examples: ${known.map((name) => `${name}: ${EXAMPLES[name] ?? `${name}://…`}`).join('; ')}.`,
  });
