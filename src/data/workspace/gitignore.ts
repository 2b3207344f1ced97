import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { atomicWriteFile } from '../../lib/atomic-write-file.js';

/** `/name` with gitignore's special characters escaped, so it matches exactly that entry of its folder. */
export const ignorePatternFor = (name: string): string =>
  `/${name.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`).replace(/ $/, '\\ ')}`;

/**
 * Adds `/<name>` to the `.gitignore` in the data's own folder (created when missing), where an anchored pattern
 * means exactly this entry. Does nothing when the line is already there. Returns the file when it changed.
 */
export async function ensureIgnored(dataAbs: string): Promise<string | undefined> {
  const file = join(dirname(dataAbs), '.gitignore');
  const pattern = ignorePatternFor(basename(dataAbs));
  const text = await readFile(file, 'utf8').catch(() => '');
  if (text.split(/\r?\n/).some((line) => line.trimEnd() === pattern)) return undefined;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await atomicWriteFile(file, `${text}${separator}${pattern}\n`);
  return file;
}
