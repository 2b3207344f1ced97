import { forEachDialect } from '../storage/metadata/testing/for-each-dialect.js';
import { describeRegistryClient } from './registry-client.contract.js';
import { createSqlRegistryClient } from './sql-registry-client.js';
import { registryFixture } from './testing/registry-fixture.js';

forEachDialect('SqlRegistryClient', (dialect) => {
  describeRegistryClient('sql', async () => {
    const metadata = await dialect.open();
    const fixture = await registryFixture(metadata);
    const client = createSqlRegistryClient({ metadata, objects: fixture.objects, actor: 'alice' });
    return { client, logModel: (files) => fixture.logRun(files), close: () => client.close() };
  });
});
