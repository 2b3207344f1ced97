import { describeDeploymentsClient } from '../deployments-client.contract.js';
import { createMemoryDeploymentsClient } from './memory-deployments-client.js';

describeDeploymentsClient('memory', async () => ({
  client: createMemoryDeploymentsClient('alice'),
  actor: 'alice',
  close: async () => {},
}));
