import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { loadConfig } from '../../../config/load-config.js';
import { errorResponseSchema } from '../../../contract/error-codes.js';
import type { Digest } from '../../../domain/digest.js';
import type { MetadataStore } from '../../../storage/metadata/open-metadata.js';
import { openObjectStore } from '../../../storage/objects/registry.js';
import type { ObjectStore } from '../../../storage/objects/types.js';
import { buildApp } from '../../build-app.js';

export const HOST = 'localhost:5000';

/**
 * A real app over a real metadata store and a folder object store, laid out as reference/security.md asks:
 * `ROOT/store` holds the objects, `ROOT/outside/secret.txt` is a canary beside it.
 */
export interface ArtifactTestApp {
  readonly app: FastifyInstance;
  readonly metadata: MetadataStore;
  readonly objects: ObjectStore;
  readonly root: string;
  readonly storeDir: string;
  readonly outsideDir: string;
  readonly canary: string;
  close(): Promise<void>;
}

export async function makeArtifactApp(
  metadata: MetadataStore,
  options: { readonly artifactMaxBytes?: number } = {},
): Promise<ArtifactTestApp> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-artifacts-'));
  const storeDir = join(root, 'store');
  const outsideDir = join(root, 'outside');
  const canary = `canary-${randomUUID()}`;
  await mkdir(outsideDir);
  await writeFile(join(outsideDir, 'secret.txt'), canary);
  const objects = await openObjectStore(storeDir);
  const flags =
    options.artifactMaxBytes === undefined ? {} : { server: { artifactMaxBytes: options.artifactMaxBytes } };
  const config = await loadConfig({ flags, env: {}, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home' });
  const app = buildApp({ config, metadata, objects, version: '0.0.0-test' });
  const close = async () => {
    await app.close();
    await objects.close();
    await rm(root, { recursive: true, force: true });
  };
  return { app, metadata, objects, root, storeDir, outsideDir, canary, close };
}

export const inject = (app: FastifyInstance, options: InjectOptions) =>
  app.inject({ ...options, headers: { host: HOST, ...options.headers } });

export function expectError(response: { statusCode: number; body: string }, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = errorResponseSchema.parse(JSON.parse(response.body));
  expect(body.error_code).toBe(code);
  return body;
}

/** Names, sizes, inodes and mtimes of everything under a folder, for before/after comparisons. */
export async function fingerprint(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const lines = await Promise.all(
    entries.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      const info = await stat(path);
      return `${path} ${info.size} ${info.ino} ${info.mtimeMs}`;
    }),
  );
  return lines.sort();
}

export async function listObjects(objects: ObjectStore): Promise<Digest[]> {
  const digests: Digest[] = [];
  for await (const digest of objects.list()) digests.push(digest);
  return digests;
}

/** Files left in the store's staging folder (a partial upload would show up here). */
export async function stagedFiles(storeDir: string): Promise<string[]> {
  return readdir(join(storeDir, 'tmp')).catch(() => []);
}

export const artifactRows = (metadata: MetadataStore) =>
  metadata.db.selectFrom('artifact_files').selectAll().orderBy('path').execute();

/** A response in a body the test can check whatever it is (a raw-socket answer or an injected one). */
export interface RawResponse {
  readonly statusCode: number;
  readonly headers: string;
  readonly body: string;
}

/**
 * Sends one HTTP/1.1 request over a socket with the request target byte for byte as given (no client-side
 * normalisation of `..`, `\`, `#` or `%`), and reads the answer until the server closes the connection.
 */
export function rawRequest(port: number, method: string, target: string, body = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseRawResponse(Buffer.concat(chunks).toString('utf8'))));
    const head = [`${method} ${target} HTTP/1.1`, `Host: ${HOST}`, 'Connection: close'];
    if (body !== '') head.push('Content-Type: application/octet-stream', `Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'utf8'), Buffer.from(body)]));
  });
}

function parseRawResponse(text: string): RawResponse {
  const split = text.indexOf('\r\n\r\n');
  const headers = split === -1 ? text : text.slice(0, split);
  const status = /^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1];
  return { statusCode: Number(status ?? 0), headers, body: split === -1 ? '' : text.slice(split + 4) };
}

export type { LightMyRequestResponse };

/** Waits until `check` passes (the server finishes its cleanup after a client has gone), for at most `ms`. */
export async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
