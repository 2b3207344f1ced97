import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../../../config/load-config.js';
import type { MetadataStore } from '../../../../storage/metadata/open-metadata.js';
import { openObjectStore } from '../../../../storage/objects/registry.js';
import { buildApp } from '../../../build-app.js';

const HOST = 'localhost:5000';
const API = '/api/2.0/mlflow';

/** A real app on a real store, with helpers speaking the MLflow registry API the way the Python client does. */
export interface RegistryApp {
  readonly app: FastifyInstance;
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<LightMyRequestResponse>;
  /** A raw request (any URL, method and body). */
  raw(method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: string): Promise<LightMyRequestResponse>;
  /** Creates a run and uploads files under `model/` through the artifact proxy; returns the run id. */
  logModel(files: Readonly<Record<string, string>>): Promise<string>;
  close(): Promise<void>;
}

export async function openRegistryApp(metadata: MetadataStore): Promise<RegistryApp> {
  const config = await loadConfig({ flags: {}, env: {}, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home' });
  const objects = await openObjectStore('memory://');
  const app = buildApp({ config, metadata, objects, version: '0.0.0-test' });
  const call: RegistryApp['call'] = (method, path, body) => {
    const url = `${API}${path}`;
    if (method === 'GET')
      return app.inject({ method, url, query: body as Record<string, string>, headers: { host: HOST } });
    return app.inject({
      method,
      url,
      payload: JSON.stringify(body ?? {}),
      headers: { host: HOST, 'content-type': 'application/json' },
    });
  };
  const raw: RegistryApp['raw'] = (method, url, payload) =>
    app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload }),
      headers: { host: HOST, ...(payload === undefined ? {} : { 'content-type': 'application/octet-stream' }) },
    });
  return {
    app,
    call,
    raw,
    async logModel(files) {
      const run = (await call('POST', '/runs/create', { experiment_id: '0' })).json() as {
        run: { info: { run_id: string; artifact_uri: string } };
      };
      const root = run.run.info.artifact_uri.replace('mlflow-artifacts:/', '');
      for (const [path, content] of Object.entries(files)) {
        const answer = await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${root}/model/${path}`, content);
        if (answer.statusCode !== 200) throw new Error(`upload failed: ${answer.body}`);
      }
      return run.run.info.run_id;
    },
    close: async () => {
      await app.close();
      await objects.close();
    },
  };
}
