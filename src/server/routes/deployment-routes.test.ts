import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.js';
import { SlipwayError } from '../../domain/errors.js';
import { listEvents } from '../../storage/metadata/events.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';
import { forEachDialect } from '../../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import type { ServerAuth } from '../app-deps.js';
import { buildApp } from '../build-app.js';

const HOST = 'localhost:5000';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Bearer <name> authenticates as <name>; anything else is refused. */
const auth: ServerAuth = {
  authenticate: async (request) => {
    const name = /^Bearer (\w+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (name === undefined) throw new SlipwayError('UNAUTHENTICATED', 'Who are you?');
    Reflect.set(request, 'principal', name);
  },
};

async function openApp(metadata: MetadataStore): Promise<FastifyInstance> {
  const config = await loadConfig({ flags: {}, env: {}, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home' });
  const objects = await openObjectStore('memory://');
  const app = buildApp({ config, metadata, objects, version: '0.0.0-test', auth });
  cleanups.push(async () => {
    await app.close();
    await objects.close();
  });
  return app;
}

const call = (app: FastifyInstance, method: 'GET' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  app.inject({
    method,
    url,
    headers: {
      host: HOST,
      authorization: 'Bearer dana',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });

const expectError = (response: LightMyRequestResponse, status: number, code: string) =>
  expect({ status: response.statusCode, code: response.json().error_code }).toEqual({ status, code });

const PUT_BODY = {
  target: { kind: 'local', port: 5101 },
  policy: { routes: [{ version: '1', weight: 100 }], sticky_header: 'x-user' },
  action: 'deploy',
};

forEachDialect('deployment routes', ({ open }) => {
  it('records the authenticated principal as the actor, in the row and in the audit event', async () => {
    const store = await open();
    const app = await openApp(store);
    const put = await call(app, 'PUT', '/api/v1/deployments/wine/staging', PUT_BODY);
    expect(put.statusCode).toBe(200);
    expect(put.json().deployment).toMatchObject({
      model: 'wine',
      revision: 1,
      actor: 'dana',
      policy: { sticky_header: 'x-user' },
    });
    const events = await listEvents(store.db, { subject: 'deployments/wine/staging', limit: 10 });
    expect(events.map((e) => [e.kind, e.actor])).toEqual([['deployment.deploy', 'dana']]);
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/deployments', headers: { host: HOST } });
    expectError(anonymous, 401, 'UNAUTHENTICATED');
  });

  it('decodes path segments once and validates what they decode to', async () => {
    const app = await openApp(await open());
    const odd = await call(app, 'PUT', `/api/v1/deployments/${encodeURIComponent('50% off?#')}/staging`, PUT_BODY);
    expect(odd.json().deployment.model).toBe('50% off?#');
    for (const model of ['a%2Fb', 'a%252Fb', '%00x', 'x%E2%80%AEy', '%2e%2e%2Fetc']) {
      expectError(
        await call(app, 'PUT', `/api/v1/deployments/${model}/staging`, PUT_BODY),
        400,
        'INVALID_PARAMETER_VALUE',
      );
    }
    expectError(await call(app, 'GET', '/api/v1/deployments/wine/Staging'), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await call(app, 'GET', '/api/v1/releases/..%2F..%2Fetc'), 400, 'INVALID_PARAMETER_VALUE');
    const listed = await call(app, 'GET', '/api/v1/deployments');
    expect(listed.json().deployments.map((d: { model: string }) => d.model)).toEqual(['50% off?#']);
  });

  it('answers 404 for a missing deployment and 409 for a stale revision', async () => {
    const app = await openApp(await open());
    expectError(await call(app, 'GET', '/api/v1/deployments/wine/staging'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await call(app, 'DELETE', '/api/v1/deployments/wine/staging'), 404, 'RESOURCE_DOES_NOT_EXIST');
    await call(app, 'PUT', '/api/v1/deployments/wine/staging', PUT_BODY);
    const stale = await call(app, 'PUT', '/api/v1/deployments/wine/staging', { ...PUT_BODY, expected_revision: 0 });
    expectError(stale, 409, 'RESOURCE_CONFLICT');
    const camel = await call(app, 'PUT', '/api/v1/deployments/wine/staging', {
      ...PUT_BODY,
      policy: { routes: [{ version: '1', weight: 100 }], stickyHeader: 'x' },
    });
    expectError(camel, 400, 'INVALID_PARAMETER_VALUE');
    const deleted = await call(app, 'DELETE', '/api/v1/deployments/wine/staging');
    expect(deleted.statusCode).toBe(204);
  });

  it('refuses a cross-site text/plain write', async () => {
    const app = await openApp(await open());
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/deployments/wine/staging',
      headers: { host: HOST, authorization: 'Bearer dana', 'content-type': 'text/plain' },
      payload: JSON.stringify(PUT_BODY),
    });
    expect(response.statusCode).toBe(415);
  });
});
