import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in Slipway's package.json (two levels up from both `src/config/` and `dist/config/`). */
export function slipwayVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const parsed: unknown = JSON.parse(text);
    const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
    cached = typeof version === 'string' ? version : '0.0.0';
  }
  return cached;
}
