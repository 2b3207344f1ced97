import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { openObjectStore } from '../storage/objects/registry.js';
import { createSqlTrackingClient } from './sql-tracking-client.js';
import { describeTrackingClient } from './tracking-client.contract.js';

forEachDialect('SqlTrackingClient', (dialect) => {
  describeTrackingClient('sql', async () => {
    const client = createSqlTrackingClient({
      metadata: await dialect.open(),
      objects: await openObjectStore('memory://'),
    });
    return { client, close: () => client.close() };
  });
});
