import { fastify } from 'fastify';
import { describe, expect, it } from 'vitest';
import { MLFLOW_PREFIXES, mountMlflow } from './mount-mlflow.js';

describe('mountMlflow', () => {
  it('serves the routes under both MLflow prefixes, each mount encapsulated', async () => {
    const app = fastify();
    let mounts = 0;
    mountMlflow(app, (scope) => {
      mounts++;
      scope.addHook('onRequest', async (_request, reply) => {
        reply.header('x-scoped', 'yes');
      });
      scope.get('/ping', async (request) => ({ url: request.url }));
    });
    app.get('/outside', async () => ({}));
    for (const prefix of MLFLOW_PREFIXES) {
      const response = await app.inject({ url: `${prefix}/ping?x=1` });
      expect(response.json()).toEqual({ url: `${prefix}/ping?x=1` });
      expect(response.headers['x-scoped']).toBe('yes');
    }
    expect((await app.inject({ url: '/outside' })).headers['x-scoped']).toBeUndefined();
    expect((await app.inject({ url: '/ping' })).statusCode).toBe(404);
    expect(mounts).toBe(2);
    await app.close();
  });
});
