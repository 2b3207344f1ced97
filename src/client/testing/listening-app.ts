import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/load-config.js';
import { buildApp } from '../../server/build-app.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';
import type { ObjectStore } from '../../storage/objects/types.js';

/** A real Slipway app listening on 127.0.0.1 at a free port, for HTTP client tests. */
export interface ListeningApp {
  readonly baseUrl: string;
  close(): Promise<void>;
}

export async function listenApp(metadata: MetadataStore, objects: ObjectStore): Promise<ListeningApp> {
  const config = await loadConfig({ flags: {}, env: {}, cwd: '/nonexistent/cwd', homeDir: '/nonexistent/home' });
  const app = buildApp({ config, metadata, objects, version: '0.0.0-test' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}
