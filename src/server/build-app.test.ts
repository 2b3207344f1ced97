import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigLayer } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { errorResponseSchema } from '../contract/error-codes.js';
import { notFound, SlipwayError } from '../domain/errors.js';
import { type MetadataStore, openMetadata } from '../storage/metadata/open-metadata.js';
import { openObjectStore } from '../storage/objects/registry.js';
import type { ObjectStore } from '../storage/objects/types.js';
import type { ServerAuth } from './app-deps.js';
import { buildApp } from './build-app.js';
import { SECURITY_HEADERS } from './security-headers.js';

const HOST = 'localhost:5000';
const open: Array<{ app: FastifyInstance; metadata: MetadataStore; objects: ObjectStore }> = [];

async function makeApp(flags: ConfigLayer = {}, auth?: ServerAuth): Promise<FastifyInstance> {
  const config = await loadConfig({ flags, env: {}, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home' });
  const metadata = await openMetadata('sqlite:///:memory:');
  const objects = await openObjectStore('memory://');
  const app = buildApp({ config, metadata, objects, version: '9.9.9', ...(auth ? { auth } : {}) });
  app.post('/test/echo', async (request) => ({ received: request.body }));
  app.get('/test/crash', async () => {
    throw new Error('ENOENT: open /srv/secret/path/slipway.db');
  });
  app.get('/test/missing', async () => {
    throw notFound('Experiment 42 does not exist.');
  });
  app.post('/test/validated', { schema: { body: { type: 'object', required: ['name'] } } }, async () => ({}));
  app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    scope.put('/test/upload', { config: { contentTypes: ['application/octet-stream'] } }, async () => ({ ok: true }));
  });
  open.push({ app, metadata, objects });
  return app;
}

afterEach(async () => {
  for (const { app, metadata, objects } of open.splice(0)) {
    await app.close();
    await Promise.all([metadata.close(), objects.close()]);
  }
});

const inject = (app: FastifyInstance, options: InjectOptions) =>
  app.inject({ ...options, headers: { host: HOST, ...options.headers } });

const postJson = (app: FastifyInstance, payload: string, headers: Record<string, string> = {}) =>
  inject(app, {
    method: 'POST',
    url: '/test/echo',
    payload,
    headers: { 'content-type': 'application/json', ...headers },
  });

function expectError(response: { statusCode: number; json(): unknown }, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  const body = errorResponseSchema.parse(response.json());
  expect(body.error_code).toBe(code);
  return body;
}

describe('GET /health and /version', () => {
  it('reports ok once the metadata store answers', async () => {
    const response = await inject(await makeApp(), { url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('reports 503 TEMPORARILY_UNAVAILABLE when the metadata store is gone', async () => {
    const app = await makeApp();
    await open[0]?.metadata.close();
    const body = expectError(await inject(app, { url: '/health' }), 503, 'TEMPORARILY_UNAVAILABLE');
    expect(body.message).toBe('The metadata store is unreachable.');
  });

  it('reports the version', async () => {
    const response = await inject(await makeApp(), { url: '/version' });
    expect(response.json()).toEqual({ version: '9.9.9' });
  });
});

describe('error envelope', () => {
  it('answers unknown routes with 404 ENDPOINT_NOT_FOUND', async () => {
    const body = expectError(await inject(await makeApp(), { url: '/api/2.0/nope?x=1' }), 404, 'ENDPOINT_NOT_FOUND');
    expect(body.message).toBe('No endpoint GET /api/2.0/nope.');
  });

  it('keeps a SlipwayError’s code and message', async () => {
    const body = expectError(await inject(await makeApp(), { url: '/test/missing' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(body.message).toBe('Experiment 42 does not exist.');
  });

  it('turns anything else into a generic 500 without stack or paths', async () => {
    const response = await inject(await makeApp(), { url: '/test/crash' });
    const body = expectError(response, 500, 'INTERNAL_ERROR');
    expect(Object.keys(response.json() as object).sort()).toEqual(['error_code', 'message']);
    expect(response.body).not.toContain('/srv/secret');
    expect(response.body).not.toContain('ENOENT');
    expect(response.body).not.toMatch(/\bat .*\.[jt]s:\d+/);
    expect(body.message).toMatch(/internal error/i);
  });

  it('maps schema validation failures to 400 INVALID_PARAMETER_VALUE', async () => {
    const response = await inject(await makeApp(), {
      method: 'POST',
      url: '/test/validated',
      payload: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expectError(response, 400, 'INVALID_PARAMETER_VALUE');
  });

  it('answers a malformed URL with 400 BAD_REQUEST', async () => {
    expectError(await inject(await makeApp(), { url: '/%zz' }), 400, 'BAD_REQUEST');
  });
});

describe('security headers', () => {
  it.each(['/health', '/nope', '/test/crash', '/%zz'])('are sent on %s', async (url) => {
    const response = await inject(await makeApp(), { url });
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers[name]).toBe(value);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('Host allowlist (DNS rebinding)', () => {
  it('refuses a foreign Host with 403 Invalid Host header', async () => {
    const response = await inject(await makeApp(), { url: '/version', headers: { host: 'evil.attacker.com' } });
    expect(expectError(response, 403, 'PERMISSION_DENIED').message).toBe('Invalid Host header');
  });

  it.each(['localhost:5000', '127.0.0.1:5000', '[::1]:5000'])('allows %s', async (host) => {
    const response = await inject(await makeApp(), { url: '/version', headers: { host } });
    expect(response.statusCode).toBe(200);
  });

  it('exempts GET /health from the allowlist (probes use the pod IP)', async () => {
    const response = await inject(await makeApp(), { url: '/health', headers: { host: '10.0.0.7:5000' } });
    expect(response.statusCode).toBe(200);
  });

  it('checks unknown routes too', async () => {
    const response = await inject(await makeApp(), { url: '/nope', headers: { host: 'evil.attacker.com' } });
    expectError(response, 403, 'PERMISSION_DENIED');
  });

  it('follows a configured allowlist', async () => {
    const app = await makeApp({ server: { allowedHosts: ['mlflow.example.com'] } });
    expect((await inject(app, { url: '/version', headers: { host: 'mlflow.example.com:443' } })).statusCode).toBe(200);
    expectError(await inject(app, { url: '/version', headers: { host: 'localhost:5000' } }), 403, 'PERMISSION_DENIED');
    expect((await inject(app, { url: '/version', headers: { host: '127.0.0.1:5000' } })).statusCode).toBe(200);
  });
});

describe('content type of mutating requests', () => {
  it('accepts JSON', async () => {
    const response = await postJson(await makeApp(), '{"name":"wine"}', {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: { name: 'wine' } });
  });

  it.each([
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
  ])('refuses %s with 415', async (type) => {
    const response = await postJson(await makeApp(), '{"name":"wine"}', { 'content-type': type });
    const body = expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(body.message).toContain('application/json');
  });

  it('refuses a body without Content-Type with 415', async () => {
    const app = await makeApp();
    const response = await inject(app, { method: 'POST', url: '/test/echo', payload: Buffer.from('{"a":1}') });
    expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses before routing, even on unknown routes', async () => {
    const response = await inject(await makeApp(), {
      method: 'DELETE',
      url: '/api/2.0/mlflow/experiments/delete',
      payload: 'experiment_id=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('lets a route opt into other media types', async () => {
    const app = await makeApp();
    const upload = (type: string) =>
      inject(app, {
        method: 'PUT',
        url: '/test/upload',
        payload: Buffer.from('bytes'),
        headers: { 'content-type': type },
      });
    expect((await upload('application/octet-stream')).statusCode).toBe(200);
    expectError(await upload('application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('JSON bodies', () => {
  it('refuses a body over the limit with 413', async () => {
    const app = await makeApp({ server: { bodyLimitBytes: 1024 } });
    const response = await postJson(app, JSON.stringify({ name: 'x'.repeat(2000) }));
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each([
    '{"__proto__":{"polluted":true}}',
    '{"a":{"__proto__":{"polluted":true}}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
  ])('rejects prototype poisoning %s with 400', async (payload) => {
    const response = await postJson(await makeApp(), payload);
    expectError(response, 400, 'MALFORMED_REQUEST');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects invalid and empty JSON with 400 MALFORMED_REQUEST', async () => {
    const app = await makeApp();
    expectError(await postJson(app, '{"a":'), 400, 'MALFORMED_REQUEST');
    expectError(await postJson(app, ''), 400, 'MALFORMED_REQUEST');
  });

  it('rejects deeply nested JSON quickly with 400', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const body = expectError(await postJson(await makeApp(), deep), 400, 'MALFORMED_REQUEST');
    expect(body.message).toContain('deeper than 64');
  });

  it('does not count brackets inside strings', async () => {
    const response = await postJson(await makeApp(), JSON.stringify({ text: '['.repeat(500), quote: 'a\\"[' }));
    expect(response.statusCode).toBe(200);
  });
});

describe('cross-site requests', () => {
  it('refuses a mutating request from a foreign Origin with 403 and no CORS headers', async () => {
    const response = await postJson(await makeApp(), '{}', { origin: 'http://evil.example' });
    expectError(response, 403, 'PERMISSION_DENIED');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses Origin: null and Sec-Fetch-Site: cross-site', async () => {
    const app = await makeApp();
    expectError(await postJson(app, '{}', { origin: 'null' }), 403, 'PERMISSION_DENIED');
    expectError(await postJson(app, '{}', { 'sec-fetch-site': 'cross-site' }), 403, 'PERMISSION_DENIED');
  });

  it('accepts the same origin and configured origins', async () => {
    const app = await makeApp({ server: { allowedOrigins: ['http://localhost:5173'] } });
    expect((await postJson(app, '{}', { origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(
      200,
    );
    expect((await postJson(app, '{}', { origin: 'http://localhost:5173' })).statusCode).toBe(200);
  });

  it('leaves reads alone (no CORS headers are ever sent, so the page cannot read them)', async () => {
    const response = await inject(await makeApp(), { url: '/version', headers: { origin: 'http://evil.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('auth seam', () => {
  const auth: ServerAuth = {
    authenticate: async (request) => {
      if (request.headers.authorization !== 'Bearer good') throw new SlipwayError('UNAUTHENTICATED', 'Who are you?');
    },
  };

  it('guards every non-public route, unknown ones included', async () => {
    const app = await makeApp({}, auth);
    expectError(await inject(app, { url: '/version' }), 401, 'UNAUTHENTICATED');
    expectError(await inject(app, { url: '/nope' }), 401, 'UNAUTHENTICATED');
    const ok = await inject(app, { url: '/version', headers: { authorization: 'Bearer good' } });
    expect(ok.statusCode).toBe(200);
  });

  it('leaves /health public', async () => {
    expect((await inject(await makeApp({}, auth), { url: '/health' })).statusCode).toBe(200);
  });
});
