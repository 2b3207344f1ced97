import { describeDeploymentsClient } from '../deploy/deployments/deployments-client.contract.js';
import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { createHttpDeploymentsClient } from './http-deployments-client.js';
import { listenApp } from './testing/listening-app.js';

forEachDialect('HttpDeploymentsClient', (dialect) => {
  describeDeploymentsClient('http', async () => {
    const metadata = await dialect.open();
    const objects = await openObjectStore('memory://');
    const server = await listenApp(metadata, objects);
    return {
      client: createHttpDeploymentsClient({ baseUrl: server.baseUrl }),
      actor: 'anonymous',
      close: async () => {
        await server.close();
        await objects.close();
      },
    };
  });
});
