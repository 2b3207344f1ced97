import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What the receiver does with the n-th request (0-based): answer it, or leave it hanging. */
export type Responder = (request: ReceivedRequest, index: number, response: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 that records every request, for outbound-request tests. */
export interface HttpReceiver {
  readonly url: string;
  readonly port: number;
  readonly requests: readonly ReceivedRequest[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

const answer =
  (status: number, headers: Record<string, string> = {}): Responder =>
  (_request, _index, response) => {
    response.writeHead(status, headers).end('ok');
  };

export const respondWith = answer;

export async function startHttpReceiver(responder: Responder = answer(200)): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  let current = responder;
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const received = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      current(received, requests.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    respond: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
