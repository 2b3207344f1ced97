import type { Digest } from '../../domain/digest.js';
import type { Workspace } from '../workspace/workspace.js';

/** Digests go to the workers grouped by their first hex digit, so each batch covers 16 fan-out folders at most. */
const BATCH = 16384;

/** Which of these digests the workspace cache lacks (checked in the hashing workers). */
export async function missingObjects(ws: Workspace, digests: Iterable<Digest>): Promise<Set<Digest>> {
  const groups = new Map<string, Digest[]>();
  for (const digest of new Set(digests)) {
    const group = digest.charAt(7);
    const list = groups.get(group);
    if (list === undefined) groups.set(group, [digest]);
    else list.push(digest);
  }
  const cache = { objects: ws.cache.objectsDir, tmp: ws.cache.tmpDir };
  const batches: Digest[][] = [];
  for (const list of groups.values()) {
    for (let start = 0; start < list.length; start += BATCH) batches.push(list.slice(start, start + BATCH));
  }
  const results = await Promise.all(
    batches.map((batch) => ws.pool().run<Digest[]>('missing', { cache, digests: batch })),
  );
  return new Set(results.flat());
}
