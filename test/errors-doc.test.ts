import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/contract/error-codes.js';
import { HTTP_STATUS } from '../src/contract/http-status.js';

const DOC = new URL('../docs/errors.md', import.meta.url);

/** Each `## CODE` section of docs/errors.md with the status its first line states. */
const documentedCodes = async (): Promise<Map<string, number>> => {
  const text = await readFile(DOC, 'utf8');
  const sections = [...text.matchAll(/^## ([A-Z_]+)\n\nHTTP (\d{3})/gm)];
  return new Map(sections.map(([, code, status]) => [code ?? '', Number(status)]));
};

describe('docs/errors.md', () => {
  it('has exactly one section per error code, and nothing else', async () => {
    const documented = await documentedCodes();
    expect([...documented.keys()].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('states the same HTTP status as the server table', async () => {
    const documented = await documentedCodes();
    for (const code of ERROR_CODES)
      expect({ code, status: documented.get(code) }).toEqual({ code, status: HTTP_STATUS[code] });
  });
});
