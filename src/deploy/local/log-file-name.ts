import { createHash } from 'node:crypto';

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * `<model>-<environment>.log`. A model name that is not a plain file name (a `/`, a space, a leading dot, past 100
 * characters) has the rest replaced by `_` and a short hash of the real name added, so two models never share a file
 * and no name leaves the log folder.
 */
export function logFileName(model: string, environment: string): string {
  if (SAFE.test(model)) return `${model}-${environment}.log`;
  const hash = createHash('sha256').update(model).digest('hex').slice(0, 8);
  const stem = model
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 80);
  return `${stem === '' ? 'model' : stem}-${hash}-${environment}.log`;
}
