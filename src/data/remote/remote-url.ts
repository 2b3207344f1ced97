import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidParameter } from '../../domain/errors.js';
import { parseHttpStoreUri } from '../../storage/objects/http-transport.js';
import { objectStoreScheme } from '../../storage/objects/registry.js';
import { parseS3Uri } from '../../storage/objects/s3-config.js';

/** The kinds of remote: a folder (path or file://), a bucket, or a Slipway server. */
export type RemoteKind = 'folder' | 's3' | 'http';

const KINDS: Readonly<Record<string, RemoteKind>> = { file: 'folder', s3: 's3', http: 'http', https: 'http' };

const EXAMPLES =
  '../backup, /mnt/share/data, file:///mnt/share/data, s3://bucket/prefix or https://slipway.example.com';

/** Which kind of remote a URL names; INVALID_PARAMETER_VALUE for any other scheme. */
export const remoteKind = (url: string): RemoteKind => {
  const kind = KINDS[objectStoreScheme(url)];
  if (kind !== undefined) return kind;
  throw invalidParameter(`'${url}' is not a remote URL Slipway knows.`, {
    hint: `Use a folder or a URL: ${EXAMPLES}.`,
  });
};

const noCredentials = (url: string): void => {
  if (!URL.canParse(url)) return;
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return;
  throw invalidParameter(`A remote URL may not contain credentials (${parsed.protocol}//…@${parsed.host}).`, {
    hint: 'Remote URLs are committed to git. Give an http(s) token with SLIPWAY_REMOTE_<NAME>_TOKEN or ~/.slipway/config.yaml, and S3 keys with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.',
  });
};

/**
 * Validates a remote URL as `slipway remote add` receives it and returns what to write in the workspace config:
 * URLs as given, and a relative folder path (relative to `cwd`) rewritten relative to the workspace root, with `/`
 * separators, so the config means the same from every folder and on every clone.
 */
export const normalizeRemoteUrl = (url: string, cwd: string, workspaceRoot: string): string => {
  if (url.trim() === '') throw invalidParameter('The remote URL is empty.', { hint: `Examples: ${EXAMPLES}.` });
  const kind = remoteKind(url);
  noCredentials(url);
  if (kind === 's3') parseS3Uri(url, {});
  if (kind === 'http') parseHttpStoreUri(url);
  if (kind !== 'folder') return url;
  if (url.startsWith('file:')) return fileUrlPath(url) && url;
  if (isAbsolute(url) || url.startsWith('~')) return url;
  const fromRoot = relative(workspaceRoot, resolve(cwd, url));
  return fromRoot === '' ? '.' : fromRoot.split(sep).join('/');
};

const fileUrlPath = (url: string): string => {
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw invalidParameter(`'${url}' is not a valid file URL.`, {
      hint: 'Use file:///absolute/path (three slashes), or a plain path.',
      cause: error,
    });
  }
};
