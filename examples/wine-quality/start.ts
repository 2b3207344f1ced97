/**
 * The quick start, end to end on the embedded default (SQLite + a folder in ./.slipway):
 *   1. starts the control plane (`slipway server`: MLflow REST API, registry, artifacts),
 *   2. trains a wine-quality classifier in TypeScript, tracked as a run on that server,
 *   3. registers it as `wine-quality` and moves the alias `production` to the new version,
 *   4. serves `models:/wine-quality@production` (fetched by digest, verified) on a second port,
 * then prints both URLs and a curl command, and keeps both running until Ctrl-C.
 *
 *   npm start            (or: npx tsx examples/wine-quality/start.ts [--port 5000] [--serve-port 5001] [--model mlp])
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fetchModel } from '../../src/client/fetch-model.js';
import { loadConfig } from '../../src/config/load-config.js';
import { startServer } from '../../src/server/main.js';
import { createServeLogger, startServing } from '../../src/serving/serve-main.js';
import { folderModelSource } from '../../src/serving/source/model-source.js';
import { registryModelSource } from '../../src/serving/source/registry-model-source.js';
import { trainWineQuality } from './train.js';
import { readWineCsv } from './wine-data.js';

const MODEL = 'wine-quality';
const ALIAS = 'production';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '5000' },
    'serve-port': { type: 'string', default: process.env.SERVE_PORT ?? '5001' },
    model: { type: 'string', default: 'softmax' },
  },
});

const config = await loadConfig({ env: process.env, flags: { server: { port: Number(values.port) } } });
const server = await startServer(config, { handleSignals: false });
console.log(`Control plane (MLflow tracking + registry API) on ${server.url}; data in ${config.home}`);

const trained = await trainWineQuality({
  model: values.model === 'mlp' ? 'mlp' : 'softmax',
  connect: { trackingUri: server.url },
  register: { name: MODEL, alias: ALIAS },
});
const version = trained.registered?.version;
console.log(
  `Trained run ${trained.runId}: test accuracy ${trained.testAccuracy.toFixed(3)} ` +
    `(always the most frequent class: ${trained.baselineAccuracy.toFixed(3)}); ` +
    `registered ${MODEL} version ${version} as ${ALIAS}.`,
);

const fetchOptions = {
  trackingUri: server.url,
  objectsUri: config.objects.uri,
  cacheRoot: join(config.home, 'models'),
  actor: 'quickstart',
};
const serving = await startServing({
  model: `models:/${MODEL}@${ALIAS}`,
  port: Number(values['serve-port']),
  resolver: registryModelSource((uri) => fetchModel(fetchOptions, uri), folderModelSource()),
  logger: createServeLogger('warn'),
  handleSignals: false,
});

const wines = await readWineCsv(join(import.meta.dirname, 'data', 'winequality-red.csv'));
const example = { dataframe_split: { columns: wines.features, data: [wines.rows[0]] } };
console.log(`
Model endpoint: ${serving.url}  (models:/${MODEL}@${ALIAS}, version ${version})
  MLflow scoring:  POST ${serving.url}/invocations
  Simple:          POST ${serving.url}/predict
  Open Inference:  POST ${serving.url}/v2/models/${MODEL}/infer
  Metrics:         GET  ${serving.url}/metrics
Tracking UI/API:   ${server.url}/api/2.0/mlflow/experiments/search  (MLflow clients: MLFLOW_TRACKING_URI=${server.url})

Try it:
  curl -s ${serving.url}/invocations -H 'Content-Type: application/json' \\
    -d '${JSON.stringify(example)}'

Ctrl-C stops both.`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await serving.close();
  await server.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
