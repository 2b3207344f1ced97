import { lstat, mkdir, realpath } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { isSafeRelativePath, SAFE_PATH_RULE } from '../data/tree/relative-path.js';
import { alreadyExists, invalidParameter } from '../domain/errors.js';
import { atomicWriteFile } from '../lib/atomic-write-file.js';

/** One file a generator produces: a path relative to the output folder and its whole content. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

export interface WriteOptions {
  /** Replace files that exist already. */
  readonly force?: boolean;
}

const inside = (path: string, folder: string): boolean => path === folder || path.startsWith(`${folder}${sep}`);

/**
 * The absolute path of `rel` inside `outDir`, its parent folders created: refuses a path that is not a safe
 * relative path, a parent that resolves (through a symbolic link) outside `outDir`, and a target that is a link.
 * `realOut` is `outDir`'s real path.
 */
export async function confinedTarget(realOut: string, rel: string): Promise<string> {
  if (!isSafeRelativePath(rel))
    throw invalidParameter(`Refusing to write ${JSON.stringify(rel)}: it ${SAFE_PATH_RULE}.`);
  const target = join(realOut, ...rel.split('/'));
  await mkdir(dirname(target), { recursive: true });
  const parent = await realpath(dirname(target));
  const stats = await lstat(target).catch(() => undefined);
  if (!inside(parent, realOut) || stats?.isSymbolicLink() === true) {
    throw invalidParameter(
      `Refusing to write ${rel}: it would land outside ${realOut} (a symbolic link is in the way).`,
      {
        hint: 'Choose an output folder without symbolic links inside it, or remove the link.',
      },
    );
  }
  return target;
}

/** Creates `outDir` if needed and returns its real path. */
export async function prepareOutDir(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  return realpath(outDir);
}

/** Refuses (before anything is written) when any of `rels` exists in `realOut` and `force` is not set. */
export async function refuseClobber(
  realOut: string,
  rels: readonly string[],
  force: boolean | undefined,
): Promise<void> {
  if (force === true) return;
  const existing: string[] = [];
  for (const rel of rels) {
    if (
      await lstat(join(realOut, ...rel.split('/'))).then(
        () => true,
        () => false,
      )
    )
      existing.push(rel);
  }
  if (existing.length === 0) return;
  throw alreadyExists(
    `${existing.length === 1 ? 'A file exists' : 'Files exist'} already in ${realOut}: ${existing.join(', ')}.`,
    {
      hint: 'Pass --force to replace them, or choose another output folder.',
    },
  );
}

/**
 * Writes generated files under `outDir`, each atomically (a reader sees the old file or the new one). Nothing is
 * written if any file would be clobbered without `force`, or would land outside `outDir`. Returns the absolute paths.
 */
export async function writeGeneratedFiles(
  outDir: string,
  files: readonly GeneratedFile[],
  options: WriteOptions = {},
): Promise<string[]> {
  const realOut = await prepareOutDir(outDir);
  const bad = files.find((file) => !isSafeRelativePath(file.path));
  if (bad !== undefined) throw invalidParameter(`Refusing to write ${JSON.stringify(bad.path)}: it ${SAFE_PATH_RULE}.`);
  await refuseClobber(
    realOut,
    files.map((file) => file.path),
    options.force,
  );
  const targets: string[] = [];
  for (const file of files) targets.push(await confinedTarget(realOut, file.path));
  for (const [index, file] of files.entries()) await atomicWriteFile(targets[index] as string, file.content);
  return targets;
}
