import { describeRegistryClient } from '../registry/registry-client.contract.js';
import { registryFixture } from '../registry/testing/registry-fixture.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { createHttpRegistryClient } from './http-registry-client.js';
import { listenApp } from './testing/listening-app.js';

forEachDialect('HttpRegistryClient', (dialect) => {
  describeRegistryClient('http', async () => {
    const metadata = await dialect.open();
    const objects = await openObjectStore('memory://');
    const fixture = await registryFixture(metadata, 'alice', objects);
    const server = await listenApp(metadata, objects);
    return {
      client: createHttpRegistryClient({ baseUrl: server.baseUrl }),
      logModel: (files) => fixture.logRun(files),
      close: async () => {
        await server.close();
        await objects.close();
      },
    };
  });
});
