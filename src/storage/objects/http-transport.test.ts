import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport } from './http-transport.js';

const where = { url: 'http://test', tokenHint: 'set a token' };
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
});

/** A server that answers the first request of each connection and resets the connection on the second. */
async function resettingServer(log: string[]): Promise<string> {
  let connections = 0;
  server = createServer((socket) => {
    const id = ++connections;
    let requests = 0;
    socket.on('data', (data) => {
      for (const _request of data.toString().split('\r\n\r\n').slice(0, -1)) {
        requests += 1;
        log.push(`connection ${id} request ${requests}`);
        if (requests === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n');
        else socket.resetAndDestroy();
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/x`;
}

describe('HttpTransport', () => {
  it('sends a request again on a new connection when a reused keep-alive connection was reset', async () => {
    const log: string[] = [];
    const url = await resettingServer(log);
    const transport = new HttpTransport('http://127.0.0.1', { where, headers: {}, idleTimeoutMs: 5000 });
    try {
      for (let round = 0; round < 2; round += 1) {
        const response = await transport.send({ method: 'HEAD', url, what: 'HEAD x' });
        expect(response.statusCode).toBe(200);
        response.resume();
        await new Promise((resolve) => response.once('end', resolve));
      }
    } finally {
      transport.close();
    }
    expect(log).toEqual(['connection 1 request 1', 'connection 1 request 2', 'connection 2 request 1']);
  });
});
