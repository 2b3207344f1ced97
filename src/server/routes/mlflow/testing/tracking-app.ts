import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../../../config/load-config.js';
import type { MetadataStore } from '../../../../storage/metadata/open-metadata.js';
import { openObjectStore } from '../../../../storage/objects/registry.js';
import { buildApp } from '../../../build-app.js';
import { MLFLOW_PREFIXES } from '../mount-mlflow.js';

export type MlflowPrefix = (typeof MLFLOW_PREFIXES)[number];

/** A real app on a real metadata store, with helpers that speak MLflow's REST API under one prefix. */
export interface TrackingApp {
  readonly app: FastifyInstance;
  readonly metadata: MetadataStore;
  post(path: string, body: unknown, prefix?: MlflowPrefix): Promise<LightMyRequestResponse>;
  get(path: string, query: Record<string, string | string[]>, prefix?: MlflowPrefix): Promise<LightMyRequestResponse>;
  /** POST with a raw body (for malformed JSON and size tests). */
  postRaw(path: string, payload: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

const HOST = 'localhost:5000';

export async function openTrackingApp(metadata: MetadataStore): Promise<TrackingApp> {
  const config = await loadConfig({ flags: {}, env: {}, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home' });
  const objects = await openObjectStore('memory://');
  const app = buildApp({ config, metadata, objects, version: '0.0.0-test' });
  const url = (prefix: MlflowPrefix, path: string) => `${prefix}${path}`;
  const postRaw = (path: string, payload: string, prefix: MlflowPrefix = MLFLOW_PREFIXES[0]) =>
    app.inject({
      method: 'POST',
      url: url(prefix, path),
      payload,
      headers: { host: HOST, 'content-type': 'application/json' },
    });
  return {
    app,
    metadata,
    post: (path, body, prefix) => postRaw(path, JSON.stringify(body), prefix),
    get: (path, query, prefix = MLFLOW_PREFIXES[0]) =>
      app.inject({ method: 'GET', url: url(prefix, path), query, headers: { host: HOST } }),
    postRaw: (path, payload) => postRaw(path, payload),
    close: async () => {
      await app.close();
      await objects.close();
    },
  };
}

/** Asserts an MLflow error envelope with this status and code; returns the message. */
export function errorOf(response: LightMyRequestResponse, status: number, code: string): string {
  const body = response.json() as { error_code?: unknown; message?: unknown };
  if (response.statusCode !== status || body.error_code !== code || typeof body.message !== 'string') {
    throw new Error(`expected ${status} ${code}, got ${response.statusCode} ${response.body.slice(0, 500)}`);
  }
  return body.message;
}

/** Asserts a 200 and returns the JSON body. */
export function okOf<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  if (response.statusCode !== 200)
    throw new Error(`expected 200, got ${response.statusCode} ${response.body.slice(0, 500)}`);
  return response.json() as T;
}
