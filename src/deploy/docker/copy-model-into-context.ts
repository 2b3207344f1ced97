import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileModeOf, type TreeEntry } from '../../data/tree/tree.js';
import { corruptObject, invalidParameter } from '../../domain/errors.js';
import { hashThrough } from '../../lib/hash-pass-through.js';
import { writeStreamToFile } from '../../lib/write-stream-to-file.js';
import type { DeploymentSpec } from '../deployment-spec.js';
import { MAX_MODEL_FILES, treeDigestOf } from '../folder-tree.js';
import { confinedTarget } from '../write-generated-files.js';
import { contextModelDir } from './generate-docker-context.js';

/**
 * Copies the model folder into the build context at `model/<hex>/`, hashing every byte as it is copied, and checks
 * that the copied tree has the spec's digest: the image gets exactly the model that was pinned, or nothing (a file
 * changed since the model was resolved is CORRUPT_OBJECT and the partial copy is removed). Replaces an earlier copy.
 */
export async function copyModelIntoContext(realOut: string, spec: DeploymentSpec, folder: string): Promise<number> {
  const rel = contextModelDir(spec);
  const target = await confinedTarget(realOut, rel);
  await rm(target, { recursive: true, force: true });
  try {
    const entries: TreeEntry[] = [];
    await copyFolder(folder, target, '', entries);
    const digest = treeDigestOf(entries);
    if (digest !== spec.model.digest) throw changed(folder, spec, digest);
    return entries.reduce((sum, entry) => sum + entry.size, 0);
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    throw error;
  }
}

async function copyFolder(from: string, to: string, rel: string, out: TreeEntry[]): Promise<void> {
  for (const dirent of await readdir(from, { withFileTypes: true })) {
    const path = rel === '' ? dirent.name : `${rel}/${dirent.name}`;
    const source = join(from, dirent.name);
    const dest = join(to, dirent.name);
    if (dirent.isDirectory()) await copyFolder(source, dest, path, out);
    else if (dirent.isFile()) out.push(await copyFile(source, dest, path, out.length));
    else throw invalidParameter(`The model file ${path} is a symbolic link or a special file.`);
  }
}

async function copyFile(source: string, dest: string, path: string, count: number): Promise<TreeEntry> {
  if (count >= MAX_MODEL_FILES) throw invalidParameter(`The model folder holds more than ${MAX_MODEL_FILES} files.`);
  await mkdir(dirname(dest), { recursive: true });
  const executable = ((await stat(source)).mode & 0o111) !== 0;
  const hasher = hashThrough(createReadStream(source));
  const size = await writeStreamToFile(hasher, dest, { mode: fileModeOf(executable) });
  return { path, digest: `sha256:${hasher.result().hex}`, size, mode: fileModeOf(executable) };
}

const changed = (folder: string, spec: DeploymentSpec, digest: string) =>
  corruptObject(
    `The model folder ${folder} changed while it was copied: its tree is ${digest}, not ${spec.model.digest}.`,
    {
      hint: 'Leave the model folder alone while building, then run the command again.',
    },
  );
