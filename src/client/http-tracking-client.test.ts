import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { describeTrackingClient, rejectsWithCode } from '../tracking/tracking-client.contract.js';
import { createHttpTrackingClient } from './http-tracking-client.js';
import { listenApp } from './testing/listening-app.js';

forEachDialect('HttpTrackingClient', (dialect) => {
  describeTrackingClient('http', async () => {
    const objects = await openObjectStore('memory://');
    const server = await listenApp(await dialect.open(), objects);
    const client = createHttpTrackingClient({ baseUrl: server.baseUrl });
    return {
      client,
      close: async () => {
        await server.close();
        await objects.close();
      },
    };
  });
});

/** A server that accepts connections and never answers, or answers with a fixed status and body. */
async function fakeServer(answer?: { status: number; body: string }) {
  const server = createServer((_request, response) => {
    if (answer !== undefined) response.writeHead(answer.status).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()),
  };
}

describe('HttpTrackingClient transport errors', () => {
  it('names the URL with TEMPORARILY_UNAVAILABLE when nothing listens', async () => {
    const gone = await fakeServer();
    await gone.close();
    const client = createHttpTrackingClient({ baseUrl: gone.baseUrl });
    const error = await rejectsWithCode(client.getRun('0'.repeat(32)), 'TEMPORARILY_UNAVAILABLE');
    expect(error.message).toContain(gone.baseUrl);
  });

  it('turns a silent server into DEADLINE_EXCEEDED after the timeout', async () => {
    const silent = await fakeServer();
    try {
      const client = createHttpTrackingClient({ baseUrl: silent.baseUrl, timeoutMs: 50 });
      await rejectsWithCode(client.getExperimentByName('x'), 'DEADLINE_EXCEEDED');
    } finally {
      await silent.close();
    }
  });

  it('keeps the code of an error envelope and refuses answers that are not MLflow JSON', async () => {
    const envelope = await fakeServer({
      status: 429,
      body: '{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow"}',
    });
    const html = await fakeServer({ status: 200, body: '<html></html>' });
    try {
      const error = await rejectsWithCode(
        createHttpTrackingClient({ baseUrl: envelope.baseUrl }).getRun('r'),
        'REQUEST_LIMIT_EXCEEDED',
      );
      expect(error.message).toBe('slow');
      await rejectsWithCode(createHttpTrackingClient({ baseUrl: html.baseUrl }).getRun('r'), 'INTERNAL_ERROR');
    } finally {
      await envelope.close();
      await html.close();
    }
  });
});
