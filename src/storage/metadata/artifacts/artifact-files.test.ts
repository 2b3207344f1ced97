import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type ArtifactPath, parseArtifactPath } from '../../../domain/artifact-path.js';
import { type Digest, digestFromHex } from '../../../domain/digest.js';
import type { MetadataStore } from '../open-metadata.js';
import { forEachDialect } from '../testing/for-each-dialect.js';
import {
  countArtifactFilesWithDigest,
  deleteArtifactFiles,
  findArtifactFile,
  findFileAncestor,
  hasFilesUnder,
  upsertArtifactFile,
} from './artifact-files.js';
import { type ArtifactChild, listArtifactChildren } from './list-artifact-children.js';

const p = (raw: string): ArtifactPath => parseArtifactPath(raw, { directory: true });
const digest = (n: number): Digest => digestFromHex(n.toString(16).padStart(64, '0'));

async function seed(store: MetadataStore, paths: readonly string[]): Promise<void> {
  for (const [index, path] of paths.entries()) {
    await upsertArtifactFile(store.db, { path: p(path), digest: digest(index + 1), size: index + 1, createdTime: 7 });
  }
}

/** Every child of `dir`, page by page. */
async function listAll(store: MetadataStore, dir: string, limit: number): Promise<ArtifactChild[]> {
  const all: ArtifactChild[] = [];
  let page = await listArtifactChildren(store.db, { dir: p(dir), limit });
  all.push(...page.children);
  while (page.next !== undefined) {
    page = await listArtifactChildren(store.db, { dir: p(dir), limit, after: page.next });
    all.push(...page.children);
  }
  return all;
}

const names = (children: readonly ArtifactChild[]) => children.map((c) => (c.isDir ? `${c.name}/` : c.name));

forEachDialect('artifact files', ({ open, name }) => {
  describe('rows', () => {
    it('upserts, finds and replaces a file', async () => {
      const store = await open();
      await upsertArtifactFile(store.db, {
        path: p('1/r/artifacts/a.txt'),
        digest: digest(1),
        size: 3,
        createdTime: 10,
      });
      expect(await findArtifactFile(store.db, p('1/r/artifacts/a.txt'))).toEqual({
        path: '1/r/artifacts/a.txt',
        digest: digest(1),
        size: 3,
        createdTime: 10,
      });
      await upsertArtifactFile(store.db, {
        path: p('1/r/artifacts/a.txt'),
        digest: digest(2),
        size: 5,
        createdTime: 11,
      });
      expect(await findArtifactFile(store.db, p('1/r/artifacts/a.txt'))).toMatchObject({ digest: digest(2), size: 5 });
      expect(await store.db.selectFrom('artifact_files').selectAll().execute()).toHaveLength(1);
      expect(await findArtifactFile(store.db, p('1/r/artifacts'))).toBeUndefined();
    });

    it('knows file ancestors and folders with files', async () => {
      const store = await open();
      await seed(store, ['a/b', 'a/c/d', 'ab', 'a0']);
      expect(await findFileAncestor(store.db, p('a/b/x/y'))).toBe('a/b');
      expect(await findFileAncestor(store.db, p('a/c/e'))).toBeUndefined();
      expect(await findFileAncestor(store.db, p('a'))).toBeUndefined();
      expect(await hasFilesUnder(store.db, p('a'))).toBe(true);
      expect(await hasFilesUnder(store.db, p('a/c'))).toBe(true);
      expect(await hasFilesUnder(store.db, p('a/b'))).toBe(false);
      expect(await hasFilesUnder(store.db, p('ab'))).toBe(false);
      expect(await hasFilesUnder(store.db, p(''))).toBe(true);
    });

    it('deletes a file, or a folder and nothing beside it', async () => {
      const store = await open();
      await seed(store, ['a/b', 'a/c/d', 'a/c/e', 'a.txt', 'ab', 'a0', 'a/cd']);
      expect(await deleteArtifactFiles(store.db, p('a/c'))).toBe(2);
      expect(await deleteArtifactFiles(store.db, p('a/b'))).toBe(1);
      expect(await deleteArtifactFiles(store.db, p('zz'))).toBe(0);
      const left = await store.db.selectFrom('artifact_files').select('path').orderBy('path').execute();
      expect(left.map((row) => row.path)).toEqual(['a.txt', 'a/cd', 'a0', 'ab']);
      expect(await countArtifactFilesWithDigest(store.db, digest(4))).toBe(1);
      expect(await countArtifactFilesWithDigest(store.db, digest(2))).toBe(0);
    });

    it('treats LIKE wildcards in paths as plain characters', async () => {
      const store = await open();
      await seed(store, ['a_/x', 'ab/x', 'a%/y', 'a%b/z']);
      expect(names(await listAll(store, 'a_', 10))).toEqual(['x']);
      expect(names(await listAll(store, 'a%', 10))).toEqual(['y']);
      expect(await deleteArtifactFiles(store.db, p('a_'))).toBe(1);
      expect(await hasFilesUnder(store.db, p('ab'))).toBe(true);
    });
  });

  describe('listArtifactChildren', () => {
    const tree = [
      'exp/run/artifacts/model/MLmodel',
      'exp/run/artifacts/model/data/model.onnx',
      'exp/run/artifacts/model.txt',
      'exp/run/artifacts/a b/c.txt',
      'exp/run/artifacts/metrics.json',
      'exp/run/artifacts/résumé/数据.csv',
      'exp/run/artifacts/🍷.txt',
      'exp/run/artifacts/\uFFFD.txt',
      'exp/run/artifacts0/x',
      'exp/run/artifacts.bak/x',
      'exp/run2/artifacts/x',
    ];

    it('lists files with sizes and folders without, in code-point order', async () => {
      const store = await open();
      await seed(store, tree);
      const page = await listArtifactChildren(store.db, { dir: p('exp/run/artifacts'), limit: 100 });
      expect(page.next).toBeUndefined();
      expect(page.children).toEqual([
        { name: 'a b', isDir: true },
        { name: 'metrics.json', isDir: false, size: 5 },
        { name: 'model.txt', isDir: false, size: 3 },
        { name: 'model', isDir: true },
        { name: 'résumé', isDir: true },
        { name: '\uFFFD.txt', isDir: false, size: 8 },
        { name: '🍷.txt', isDir: false, size: 7 },
      ]);
      expect(names(await listAll(store, '', 100))).toEqual(['exp/']);
      expect(names(await listAll(store, 'exp/run', 100))).toEqual(['artifacts.bak/', 'artifacts/', 'artifacts0/']);
      expect(names(await listAll(store, 'exp/run/artifacts/model', 100))).toEqual(['MLmodel', 'data/']);
      expect(await listAll(store, 'exp/run/artifacts/model.txt', 100)).toEqual([]);
      expect(await listAll(store, 'nothing/here', 100)).toEqual([]);
    });

    it('pages with any page size to the same entries, each once', async () => {
      const store = await open();
      await seed(store, tree);
      const everything = await listAll(store, 'exp/run/artifacts', 1000);
      for (const limit of [1, 2, 3, 6, 7]) expect(await listAll(store, 'exp/run/artifacts', limit)).toEqual(everything);
      const first = await listArtifactChildren(store.db, { dir: p('exp/run/artifacts'), limit: 7 });
      expect(first.next).toBeUndefined();
    });

    it('skips big folders in one query each and pages through many files', async () => {
      const store = await open();
      const files = Array.from({ length: 1200 }, (_, i) => `d/big/f${String(i).padStart(4, '0')}`);
      const rows = [...files, ...Array.from({ length: 30 }, (_, i) => `d/small${i}/x`), 'd/z.txt'];
      await store.db
        .insertInto('artifact_files')
        .values(rows.map((path) => ({ path, digest: digest(1), size: 1, created_time: 1 })))
        .execute();
      const children = await listAll(store, 'd', 10);
      expect(children).toHaveLength(32);
      expect(children[0]).toEqual({ name: 'big', isDir: true });
      expect(children.at(-1)).toEqual({ name: 'z.txt', isDir: false, size: 1 });
      expect(await listAll(store, 'd/big', 1000)).toHaveLength(1200);
    });

    it('keeps paths in code-point order whatever the database collation', async () => {
      const store = await open();
      if (name === 'postgres') {
        const { rows } = await sql<{ collation_name: string | null }>`
          select collation_name from information_schema.columns
          where table_schema = current_schema() and table_name = 'artifact_files' and column_name = 'path'`.execute(
          store.db,
        );
        expect(rows).toEqual([{ collation_name: 'C' }]);
      }
      await seed(store, ['d/B', 'd/a', 'd/a-b', 'd/a/x', 'd/ab', 'd/É', 'd/é']);
      expect(names(await listAll(store, 'd', 2))).toEqual(['B', 'a', 'a-b', 'a/', 'ab', 'É', 'é']);
    });

    it('refuses a page size out of range', async () => {
      const store = await open();
      await expect(listArtifactChildren(store.db, { dir: p(''), limit: 0 })).rejects.toThrow(/from 1 to 1000/);
      await expect(listArtifactChildren(store.db, { dir: p(''), limit: 1001 })).rejects.toThrow(/from 1 to 1000/);
    });
  });
});
