import type { TreeEntry } from '../data/tree/tree.js';
import {
  type ArtifactPath,
  artifactBaseName,
  parseArtifactPath,
  percentDecodeToFixedPoint,
} from '../domain/artifact-path.js';
import { type Digest, parseDigest } from '../domain/digest.js';
import { invalidParameter } from '../domain/errors.js';
import type { ModelSignature } from '../domain/model-signature.js';
import { findArtifactFile } from '../storage/metadata/artifacts/artifact-files.js';
import { selectFilesUnder } from '../storage/metadata/registry/pinned-files.js';
import { REGISTRY_LIMITS } from './limits.js';
import { putPinnedTree, readPinnedTree } from './pinned-tree.js';
import { readModelSignature } from './read-model-signature.js';
import { resolveModelUri } from './resolve-model-uri.js';
import type { RegistryDeps } from './types.js';

/** What a new version pins: its tree (stored), the files in it, its run and its signature. */
export interface PinnedSource {
  readonly digest: Digest;
  readonly entries: readonly TreeEntry[];
  readonly runId: string | null;
  readonly signature: ModelSignature | null;
}

const SCHEMES = ['runs:/', 'mlflow-artifacts:/', 'models:/'] as const;
const HINT =
  'Register a model this server stores: runs:/<run_id>/<path>, mlflow-artifacts:/<path> (as logged through this ' +
  "server's artifact proxy) or models:/<name>/<version>. Local paths and remote URLs are never read.";

const refuse = (source: string, why: string) =>
  invalidParameter(`Invalid model version source '${source.slice(0, 200)}': ${why}.`, { hint: HINT });

/**
 * Checks a version's source and returns it fully percent-decoded. Only artifacts this server stores are accepted;
 * `file:`, `//host`, `http(s):`, `ftp:`, `s3:`, bare paths, and anything that decodes to one of them, are refused
 * (the CVE-2023-1177 family): the raw text and its decoded form must both start with an accepted scheme.
 */
export function checkSource(source: string): string {
  if (source === '') throw invalidParameter("Missing value for required parameter 'source'.", { hint: HINT });
  if (source.length > REGISTRY_LIMITS.source) throw refuse(source, `it is longer than ${REGISTRY_LIMITS.source}`);
  const decoded = percentDecodeToFixedPoint(source, 'source');
  const scheme = SCHEMES.find((prefix) => source.startsWith(prefix) && decoded.startsWith(prefix));
  if (scheme === undefined) throw refuse(source, `only ${SCHEMES.join(', ')} sources are accepted`);
  if (decoded.slice(scheme.length).startsWith('/')) throw refuse(source, 'it names a host ("//")');
  return decoded;
}

/** The source's files, its tree stored in the object store, its run (checked) and its signature. */
export async function pinSource(deps: RegistryDeps, source: string, runId: string | undefined): Promise<PinnedSource> {
  const decoded = checkSource(source);
  const { entries, sourceRun } = await sourceFiles(deps, source, decoded);
  if (runId !== undefined && runId !== '' && sourceRun !== null && runId !== sourceRun) {
    throw refuse(source, `it belongs to run ${sourceRun}, not to run_id ${runId.slice(0, 64)}`);
  }
  if (runId !== undefined && runId !== '' && sourceRun === null) await resolveModelUri(deps, `runs:/${runId}`);
  const digest = await putPinnedTree(deps.objects, entries);
  const signature = await readModelSignature(deps.objects, entries);
  return { digest, entries, runId: sourceRun ?? (runId || null), signature };
}

async function sourceFiles(deps: RegistryDeps, source: string, decoded: string) {
  if (decoded.startsWith('mlflow-artifacts:/')) {
    const dir = parseArtifactPath(decoded.slice('mlflow-artifacts:/'.length), { field: 'source', directory: true });
    return { entries: await filesAt(deps, source, dir), sourceRun: null };
  }
  const resolved = await resolveModelUri(deps, decoded);
  if (resolved.kind === 'run-artifacts') {
    return { entries: await filesAt(deps, source, resolved.artifactPath), sourceRun: resolved.runId };
  }
  return { entries: await readPinnedTree(deps.objects, resolved.digest), sourceRun: null };
}

/** The files of the folder `dir` (or the single file `dir`), as tree entries relative to it. */
async function filesAt(deps: RegistryDeps, source: string, dir: ArtifactPath): Promise<TreeEntry[]> {
  if (dir === '') throw refuse(source, 'it names the whole artifact store; name a model folder');
  const db = deps.metadata.db;
  const rows = await selectFilesUnder(db, dir, REGISTRY_LIMITS.treeEntries + 1);
  if (rows.length > REGISTRY_LIMITS.treeEntries) {
    throw refuse(source, `it holds more than ${REGISTRY_LIMITS.treeEntries} files`);
  }
  const entries = rows.map((row) => entryOf(row.path.slice(dir.length + 1), row.digest, row.size));
  if (entries.length > 0) return entries;
  const file = await findArtifactFile(db, dir);
  if (file === undefined) throw refuse(source, 'no artifact is stored there');
  return [entryOf(artifactBaseName(dir), file.digest, file.size)];
}

const entryOf = (path: string, digest: string, size: number): TreeEntry => ({
  path,
  digest: parseDigest(digest),
  size: Number(size),
  mode: 0o644,
});
