import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainWineQuality } from '../../examples/wine-quality/train.js';
import { getArtifact } from '../../src/artifacts/get-artifact.js';
import { artifactRootOf } from '../../src/artifacts/run-artifact-root.js';
import { joinArtifactPath, parseArtifactPath } from '../../src/domain/artifact-path.js';
import { parseMlmodel } from '../../src/models/mlmodel/mlmodel.js';
import { Slipway } from '../../src/sdk/slipway.js';
import { openMetadata } from '../../src/storage/metadata/open-metadata.js';
import { openObjectStore } from '../../src/storage/objects/registry.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-wine-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('examples/wine-quality', () => {
  it('trains on a subset of the red wines, beats the majority class, and logs params, metrics and the model', async () => {
    const connect = {
      trackingUri: `sqlite://${join(dir, 'slipway.db')}`,
      objectsUri: join(dir, 'objects'),
      lineage: false,
    };
    const result = await trainWineQuality({ limitRows: 600, epochs: 150, connect });
    expect(result.testAccuracy).toBeGreaterThan(result.baselineAccuracy);
    expect(result.testAccuracy).toBeGreaterThan(1 / 6);
    expect(result.modelUri).toBe(`runs:/${result.runId}/model`);

    const slipway = await Slipway.connect(connect);
    try {
      const run = await slipway.client.getRun(result.runId);
      expect(run.info.status).toBe('FINISHED');
      expect(run.data.params).toEqual(
        expect.arrayContaining([
          { key: 'model', value: 'softmax' },
          { key: 'train_rows', value: '480' },
        ]),
      );
      expect(run.data.metrics.map((m) => m.key).sort()).toEqual(['baseline_accuracy', 'test_accuracy', 'train_loss']);
      const metadata = await openMetadata(connect.trackingUri);
      const objects = await openObjectStore(connect.objectsUri);
      try {
        const path = joinArtifactPath('path', artifactRootOf(run.info.artifactUri), parseArtifactPath('model/MLmodel'));
        const mlmodel = parseMlmodel(await text((await getArtifact({ metadata, objects }, path)).body), 'MLmodel');
        expect(mlmodel.run_id).toBe(result.runId);
        expect(Object.keys(mlmodel.flavors).sort()).toEqual(['onnx', 'python_function']);
      } finally {
        await objects.close();
        await metadata.close();
      }
    } finally {
      await slipway.close();
    }
  });
});
