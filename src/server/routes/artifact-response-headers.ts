const TEXT = 'text/plain; charset=utf-8';

/**
 * Types for the extensions a browser may safely show inline (text, JSON, raster images) — the UI previews
 * them. Anything else, HTML, SVG, XML, JavaScript and PDF included, is application/octet-stream: never rendered
 * as active content on the server's origin. Names without an extension are matched whole (MLmodel).
 */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  txt: TEXT,
  log: TEXT,
  md: TEXT,
  yaml: TEXT,
  yml: TEXT,
  MLmodel: TEXT,
  MLproject: TEXT,
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
};

export const OCTET_STREAM = 'application/octet-stream';

export function artifactMediaType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const key = dot <= 0 ? fileName : fileName.slice(dot + 1).toLowerCase();
  return Object.hasOwn(MEDIA_TYPES, key) ? (MEDIA_TYPES[key] ?? OCTET_STREAM) : OCTET_STREAM;
}

const NOT_ATTR_CHAR = /['()*]/g;

/**
 * `attachment` with both an ASCII fallback name (quotes, backslashes, `%`, `;` and non-ASCII replaced by `_`)
 * and the exact UTF-8 name in RFC 5987 form, so no name can break out of the header or pick another path.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7E]|["\\%;]/gu, '_');
  const encoded = encodeURIComponent(fileName).replace(
    NOT_ATTR_CHAR,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A download may not run anything even if a browser renders it: no sources, sandboxed, never framed. */
export const DOWNLOAD_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";
