import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainWineQuality } from '../../examples/wine-quality/train.js';
import { readWineCsv } from '../../examples/wine-quality/wine-data.js';
import { fetchModel } from '../../src/client/fetch-model.js';
import { loadConfig } from '../../src/config/load-config.js';
import { startServer } from '../../src/server/main.js';
import { createServeLogger, startServing } from '../../src/serving/serve-main.js';
import { folderModelSource } from '../../src/serving/source/model-source.js';
import { registryModelSource } from '../../src/serving/source/registry-model-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-quickstart-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const WINES = join(import.meta.dirname, '../../examples/wine-quality/data/winequality-red.csv');

describe('the quick start: train → register → serve models:/wine-quality@production', () => {
  it('serves the version the alias points at, fetched by digest, and follows the alias on reload', async () => {
    const config = await loadConfig({ cwd: dir, env: {}, homeDir: dir, flags: { server: { port: 0 } } });
    const server = await startServer(config, { handleSignals: false, logger: createServeLogger('silent') });
    const train = (seed: number) =>
      trainWineQuality({
        limitRows: 300,
        epochs: 40,
        seed,
        connect: { trackingUri: server.url, lineage: false },
        register: { name: 'wine-quality', alias: 'production' },
      });
    const fetchOptions = { trackingUri: server.url, objectsUri: '', cacheRoot: join(dir, 'models'), actor: 'test' };
    const first = await train(1);
    expect(first.registered).toMatchObject({ name: 'wine-quality', version: '1', aliases: ['production'] });
    const serving = await startServing({
      model: 'models:/wine-quality@production',
      port: 0,
      resolver: registryModelSource((uri) => fetchModel(fetchOptions, uri), folderModelSource()),
      logger: createServeLogger('silent'),
      handleSignals: false,
    });
    try {
      const wines = await readWineCsv(WINES);
      const score = async () => {
        const body = { dataframe_split: { columns: wines.features, data: wines.rows.slice(0, 3) } };
        const response = await fetch(`${serving.url}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return {
          status: response.status,
          version: response.headers.get('x-model-version'),
          body: (await response.json()) as { predictions: unknown[] },
        };
      };
      const answer = await score();
      expect(answer).toMatchObject({ status: 200, version: '1' });
      expect(answer.body.predictions).toHaveLength(3);
      const digest = first.registered?.digest ?? '';
      const cached = await stat(join(dir, 'models', digest.replace('sha256:', ''), 'model.onnx'));
      expect(cached.mode & 0o222).toBe(0);

      const second = await train(2);
      expect(second.registered).toMatchObject({ version: '2', aliases: ['production'] });
      await serving.reload();
      expect(await score()).toMatchObject({ status: 200, version: '2' });
    } finally {
      await serving.close();
      await server.close();
    }
  });
});
