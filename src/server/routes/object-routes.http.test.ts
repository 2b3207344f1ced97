// The HTTP object store adapter (storage/objects/http-object-store.ts) against a real, listening Slipway server:
// the shared ObjectStore contract suite, then the errors a client meets (server down, refused credentials, not a
// Slipway server, a server that hangs). Lives under server/ because storage/ may not import the server.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigLayer } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import type { Digest } from '../../domain/digest.js';
import { SlipwayError } from '../../domain/errors.js';
import { openHttpObjectStore } from '../../storage/objects/http-object-store.js';
import { objectRelativePath } from '../../storage/objects/object-layout.js';
import { describeObjectBatches, describeObjectStore } from '../../storage/objects/object-store.contract.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import { closedPort } from '../../storage/objects/testing/s3-test-server.js';
import { chunkedStream, flipByte, patternBytes, readAll, sha256Of } from '../../storage/objects/testing/test-bytes.js';
import type { ServerAuth } from '../app-deps.js';
import { type RunningServer, startServer } from '../main.js';

interface ObjectServer {
  readonly server: RunningServer;
  readonly root: string;
  close(): Promise<void>;
}

const logger = pino({ level: 'silent' });

async function startObjectServer(
  server: NonNullable<ConfigLayer['server']> = {},
  auth?: ServerAuth,
): Promise<ObjectServer> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-http-store-'));
  const flags: ConfigLayer = {
    home: root,
    metadata: { uri: 'sqlite:///:memory:' },
    objects: { uri: join(root, 'objects') },
    server: { port: 0, objectDelete: true, ...server },
  };
  const config = await loadConfig({ flags, env: {}, cwd: root, homeDir: root });
  const running = await startServer(config, { logger, handleSignals: false, ...(auth ? { auth } : {}) });
  const close = async () => {
    await running.close();
    await rm(root, { recursive: true, force: true });
  };
  return { server: running, root: join(root, 'objects'), close };
}

const corruptFile = async (path: string) => {
  await chmod(path, 0o644);
  await writeFile(path, flipByte(await readFile(path), 1000));
  await chmod(path, 0o444);
};

const httpFixture = async () => {
  const { server, root, close } = await startObjectServer();
  const store = await openObjectStore(server.url);
  return {
    store,
    corrupt: (digest: Digest) => corruptFile(join(root, objectRelativePath(digest))),
    cleanup: async () => {
      await store.close();
      await close();
    },
  };
};

describeObjectStore('http (a listening Slipway server)', httpFixture);
describeObjectBatches('http (a listening Slipway server)', httpFixture);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const started = async (server?: NonNullable<ConfigLayer['server']>, auth?: ServerAuth) => {
  const running = await startObjectServer(server, auth);
  cleanups.push(running.close);
  return running;
};

/** A plain HTTP server that answers every request with `handler`, or never when it is undefined. */
const plainServer = async (status?: number): Promise<string> => {
  const server: Server = createServer((_request, response) => {
    if (status !== undefined) response.writeHead(status, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  cleanups.push(async () => server.closeAllConnections());
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
};

describe('http object store: errors a client meets', () => {
  it('reports a server that is down as TEMPORARILY_UNAVAILABLE naming the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(openObjectStore(url)).rejects.toMatchObject({
      code: 'TEMPORARILY_UNAVAILABLE',
      message: expect.stringContaining(url),
      hint: expect.stringContaining('slipway server'),
    });
  });

  it('maps 401 to UNAUTHENTICATED and 403 to PERMISSION_DENIED, and sends the token as a bearer', async () => {
    const auth: ServerAuth = {
      authenticate: async (request) => {
        const header = request.headers.authorization;
        if (header === undefined) throw new SlipwayError('UNAUTHENTICATED', 'A token is required.');
        if (header !== 'Bearer good') throw new SlipwayError('PERMISSION_DENIED', 'This token may not do that.');
      },
    };
    const { server } = await started({}, auth);
    const tokenHint = 'set SLIPWAY_REMOTE_ORIGIN_TOKEN';
    await expect(openHttpObjectStore(server.url, { tokenHint })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('A token is required.'),
      hint: expect.stringContaining(tokenHint),
    });
    await expect(openHttpObjectStore(server.url, { token: 'bad' })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const store = await openHttpObjectStore(server.url, { token: 'good' });
    const info = await store.put(chunkedStream(patternBytes(10)));
    expect(await store.has(info.digest)).toBe(true);
  });

  it('says that a URL whose object API answers 404 is not a Slipway server', async () => {
    const url = await plainServer(404);
    await expect(openObjectStore(`${url}/some/prefix/`)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('does not look like a Slipway server'),
      hint: expect.stringContaining('base URL'),
    });
  });

  it('gives up on a server that makes no progress with DEADLINE_EXCEEDED', async () => {
    const url = await plainServer(undefined);
    await expect(openHttpObjectStore(url, { idleTimeoutMs: 200 })).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
      message: expect.stringContaining(url),
    });
  });

  it('refuses URLs with credentials, queries or other schemes, naming the fix', async () => {
    await expect(openObjectStore('http://user:secret@127.0.0.1:1')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      hint: expect.stringContaining('SLIPWAY_REMOTE_<NAME>_TOKEN'),
    });
    await expect(openObjectStore('http://127.0.0.1:1/?x=1')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect((await openObjectStore('http://127.0.0.1:1').catch((e: unknown) => e)) as SlipwayError).not.toMatchObject({
      message: expect.stringContaining('secret'),
    });
  });

  it('batches missing() above 10,000 digests (the server refuses more per request)', async () => {
    const { server } = await started();
    const store = await openObjectStore(server.url);
    const present = await store.put(chunkedStream(patternBytes(10, 3)));
    const absent = Array.from({ length: 10_050 }, (_, i) => `sha256:${i.toString(16).padStart(64, '0')}` as Digest);
    const query = [...absent.slice(0, 10_020), present.digest, ...absent.slice(10_020)];
    expect(await store.missing(query)).toEqual(absent);
  });

  it('fails the stream of a small corrupt object with CORRUPT_OBJECT, as for a large one', async () => {
    const { server, root } = await started();
    const store = await openObjectStore(server.url);
    const { digest } = await store.put(chunkedStream(patternBytes(2000, 5)));
    await corruptFile(join(root, objectRelativePath(digest)));
    const stream = await store.get(digest);
    await expect(readAll(stream)).rejects.toMatchObject({
      code: 'CORRUPT_OBJECT',
      message: expect.stringContaining(digest),
    });
  });

  it('reports a refused delete as PERMISSION_DENIED and keeps the object', async () => {
    const { server } = await started({ objectDelete: false });
    const store = await openObjectStore(server.url);
    const bytes = patternBytes(100, 4);
    await store.put(chunkedStream(bytes), { expectedDigest: sha256Of(bytes) });
    await expect(store.delete(sha256Of(bytes))).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringContaining('does not allow deleting'),
    });
    expect((await readAll(await store.get(sha256Of(bytes)))).equals(bytes)).toBe(true);
  });
});
