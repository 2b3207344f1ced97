import { posix } from 'node:path';
import type { Path, Report } from './check-schema.js';

/**
 * `path` (relative to `wdir`) as a workspace-relative path; reports absolute paths, paths leaving the workspace
 * and Slipway's or git's own folders (the message says what the path is `relativeTo`).
 */
export function normalizePath(
  path: string,
  wdir: string,
  at: Path,
  report: Report,
  folder = false,
  relativeTo = 'the stage wdir',
): string | undefined {
  const joined = posix.normalize(posix.join(wdir, path));
  const rel = joined === '.' || joined === './' ? '' : joined.replace(/\/$/, '');
  const bad = pathProblem(path, rel, folder);
  if (bad === undefined) return rel;
  report(at, `path ${JSON.stringify(path)} ${bad}`, `write a path inside the workspace, relative to ${relativeTo}`);
  return undefined;
}

function pathProblem(path: string, rel: string, folder: boolean): string | undefined {
  if (path.includes('\0') || path.includes('\\')) return 'contains a NUL or a backslash';
  if (posix.isAbsolute(path)) return 'is absolute';
  if (rel === '..' || rel.startsWith('../')) return 'leads outside the workspace';
  if (/^(\.slipway|\.git)(\/|$)/.test(rel)) return 'is inside .slipway/ or .git/, which Slipway and git manage';
  if (rel === '' && !folder) return 'is the workspace root itself';
  return undefined;
}
