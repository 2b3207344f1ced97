import { afterEach, describe, expect, it } from 'vitest';
import { type OutboundRequest, OutboundRequestError, sendOutbound } from './outbound-request.js';
import { type OutboundPolicy, OutboundUrlError, type ResolveHost } from './outbound-url.js';
import { type HttpReceiver, respondWith, startHttpReceiver } from './testing/http-receiver.js';

const receivers: HttpReceiver[] = [];
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver(...args: Parameters<typeof startHttpReceiver>): Promise<HttpReceiver> {
  const started = await startHttpReceiver(...args);
  receivers.push(started);
  return started;
}

const PRIVATE_OK: OutboundPolicy = { allowPrivateTargets: true };

const post = (url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest => ({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{"hello":"world"}',
  timeoutMs: 5000,
  maxRedirects: 3,
  maxResponseBytes: 64 * 1024,
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('sendOutbound', () => {
  it('POSTs the body and returns the status, never the response body', async () => {
    const target = await receiver(respondWith(202));
    const response = await sendOutbound(post(`${target.url}/hook?x=1`), PRIVATE_OK);
    expect(response).toEqual({ status: 202, url: `${target.url}/hook?x=1`, redirects: 0 });
    expect(target.requests).toMatchObject([{ method: 'POST', path: '/hook?x=1', body: '{"hello":"world"}' }]);
  });

  it('connects to the validated address without resolving the name again', async () => {
    const target = await receiver();
    const lookups: string[] = [];
    const resolve: ResolveHost = async (hostname) => {
      lookups.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const response = await sendOutbound(post(`http://hooks.invalid:${target.port}/in`), {
      allowPrivateTargets: true,
      resolve,
    });
    expect(response.status).toBe(200);
    expect(lookups).toEqual(['hooks.invalid']);
    expect(target.requests[0]?.headers.host).toBe(`hooks.invalid:${target.port}`);
  });

  it('refuses a loopback target unless private targets are allowed, without connecting', async () => {
    const target = await receiver();
    const error = await rejection(sendOutbound(post(target.url), { allowPrivateTargets: false }));
    expect(error).toBeInstanceOf(OutboundUrlError);
    expect(error.message).toMatch(/loopback/);
    expect(target.requests).toHaveLength(0);
  });

  it('follows redirects, checking every target', async () => {
    const final = await receiver(respondWith(204));
    const hop = await receiver(respondWith(307, { location: `${final.url}/end` }));
    const response = await sendOutbound(post(`${hop.url}/start`), PRIVATE_OK);
    expect(response).toEqual({ status: 204, url: `${final.url}/end`, redirects: 1 });
    expect(final.requests).toMatchObject([{ method: 'POST', body: '{"hello":"world"}' }]);
  });

  it('refuses a redirect to a metadata address, or to another scheme', async () => {
    const hop = await receiver(respondWith(302, { location: 'http://169.254.169.254/latest/meta-data/' }));
    const error = await rejection(sendOutbound(post(hop.url), PRIVATE_OK));
    expect(error).toBeInstanceOf(OutboundUrlError);
    expect(error.message).toMatch(/metadata/);
    hop.respond(respondWith(302, { location: 'file:///etc/passwd' }));
    expect((await rejection(sendOutbound(post(hop.url), PRIVATE_OK))).message).toMatch(/redirected to a refused URL/);
  });

  it('gives up after too many redirects', async () => {
    const loop = await receiver();
    loop.respond(respondWith(308, { location: `${loop.url}/again` }));
    const error = await rejection(sendOutbound(post(loop.url, { maxRedirects: 3 }), PRIVATE_OK));
    expect(error.message).toMatch(/more than 3 times/);
    expect(loop.requests).toHaveLength(4);
  });

  it('times out when the target never answers', async () => {
    const silent = await receiver(() => {});
    const error = await rejection(sendOutbound(post(silent.url, { timeoutMs: 200 }), PRIVATE_OK));
    expect(error).toBeInstanceOf(OutboundRequestError);
    expect((error as OutboundRequestError).kind).toBe('timeout');
  });

  it('times out when the body trickles forever', async () => {
    const trickle = await receiver((_request, _index, response) => {
      response.writeHead(200);
      response.write('x');
    });
    const error = await rejection(sendOutbound(post(trickle.url, { timeoutMs: 200 }), PRIVATE_OK));
    expect((error as OutboundRequestError).kind).toBe('timeout');
  });

  it('stops reading a huge response body at the limit', async () => {
    const huge = await receiver((_request, _index, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) {}
        if (!response.destroyed) response.once('drain', pump);
      };
      response.on('error', () => {});
      pump();
    });
    const response = await sendOutbound(post(huge.url, { maxResponseBytes: 1024 }), PRIVATE_OK);
    expect(response.status).toBe(200);
  });

  it('reports an unreachable target as a network failure', async () => {
    const gone = await receiver();
    const url = gone.url;
    await gone.close();
    receivers.splice(receivers.indexOf(gone), 1);
    const error = await rejection(sendOutbound(post(url), PRIVATE_OK));
    expect((error as OutboundRequestError).kind).toBe('network');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
