import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, isMap, parseDocument } from 'yaml';
import { CONFIG_FILE_SCHEMA_VERSION, configFileSchema } from '../../config/config-schema.js';
import { WORKSPACE_DIR } from '../../config/find-workspace-root.js';
import { CONFIG_FILE_NAME } from '../../config/load-config.js';
import { readConfigFile } from '../../config/read-config-file.js';
import { invalidParameter } from '../../domain/errors.js';
import { atomicWriteFile } from '../../lib/atomic-write-file.js';

export const workspaceConfigFile = (root: string): string => join(root, WORKSPACE_DIR, CONFIG_FILE_NAME);

/**
 * Edits the workspace's `.slipway/config.yaml` in place: the file is validated first (its problems are reported
 * as loading it would), `edit` changes the YAML document (comments, key order and every other key are kept), and
 * the result is validated again and written atomically. A missing file starts as `schema: 1`.
 */
export async function editWorkspaceConfig(root: string, edit: (doc: Document) => void): Promise<void> {
  const file = workspaceConfigFile(root);
  await readConfigFile(file);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const doc =
    text === undefined || text.trim() === ''
      ? new Document({ schema: CONFIG_FILE_SCHEMA_VERSION })
      : parseDocument(text);
  edit(doc);
  const parsed = configFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw invalidParameter(
      `The edit would make ${file} invalid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}.`,
      {
        hint: 'Fix the file by hand (docs/configuration.md), then try again.',
      },
    );
  }
  await atomicWriteFile(file, doc.toString({ lineWidth: 0 }));
}

/** Removes `path` and then each parent mapping that the removal left empty. */
export function deletePruning(doc: Document, path: readonly string[]): void {
  doc.deleteIn(path);
  for (let depth = path.length - 1; depth > 0; depth -= 1) {
    const parent = doc.getIn(path.slice(0, depth), true);
    if (!isMap(parent) || parent.items.length > 0) return;
    doc.deleteIn(path.slice(0, depth));
  }
}
