import { cp, link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P_TRAV } from '../domain/testing/traversal-payloads.js';
import { loadModel } from './load-model.js';
import { parseMlmodel, serializeMlmodel } from './mlmodel/mlmodel.js';
import { type onnx, onnxProto } from './onnx-format/onnx-proto.js';
import { readServingExample } from './package/input-example.js';
import { parseScoringRequest } from './scoring/parse-scoring-request.js';
import { mlflowPredictions } from './scoring/render-predictions.js';
import { toModelFeeds } from './scoring/to-model-feeds.js';

const FIXTURES = new URL('../../test/fixtures/models/', import.meta.url).pathname;
const PYTHON_MODEL = join(FIXTURES, 'mlflow-onnx');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-load-model-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function copyFixture(name: string): Promise<string> {
  const folder = join(dir, name, 'model');
  await mkdir(join(dir, name), { recursive: true });
  await cp(PYTHON_MODEL, folder, { recursive: true });
  return folder;
}

describe('loadModel on a model saved by mlflow.onnx (Python-made fixture, external data)', () => {
  it('loads as is and reproduces numpy’s outputs for its input example', async () => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'mlflow-onnx.expected.json'), 'utf8'));
    const model = await loadModel(PYTHON_MODEL);
    try {
      expect(model.flavor).toBe('onnx');
      expect(model.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [null, 4] }]);
      expect(model.signature?.inputs).toEqual({ kind: 'tensors', tensors: [{ dtype: 'float32', shape: [-1, 4] }] });
      const body = await readServingExample(model.folder, model.mlmodel);
      const request = parseScoringRequest(body);
      const { feeds, rows } = toModelFeeds(request.payload, model);
      const outputs = await model.predict(feeds);
      const predictions = mlflowPredictions(request.payload, outputs, rows) as { probabilities: number[][] };
      const flat = predictions.probabilities.flat();
      const want = (expected.probabilities as number[][]).flat();
      expect(Math.max(...flat.map((p, i) => Math.abs(p - (want[i] ?? Number.NaN))))).toBeLessThan(1e-5);
    } finally {
      await model.close();
    }
  });

  it('round-trips its MLmodel: parse, write, parse gives the same document', async () => {
    const text = await readFile(join(PYTHON_MODEL, 'MLmodel'), 'utf8');
    const parsed = parseMlmodel(text, 'MLmodel');
    expect(parsed.is_signature_from_type_hint).toBe(false);
    expect(parseMlmodel(serializeMlmodel(parsed), 'again')).toEqual(parsed);
  });
});

/** A copy of the fixture whose w1 external data location is `location`. */
async function withLocation(name: string, location: string): Promise<string> {
  const folder = await copyFixture(name);
  await rewriteExternal(folder, (entries) =>
    entries.map((entry) => (entry.key === 'location' ? { key: 'location', value: location } : entry)),
  );
  return folder;
}

async function rewriteExternal(
  folder: string,
  change: (entries: onnx.IStringStringEntryProto[]) => onnx.IStringStringEntryProto[],
) {
  const file = join(folder, 'model.onnx');
  const model = onnxProto.ModelProto.decode(await readFile(file));
  const tensor = model.graph?.initializer?.find((t) => t.name === 'w1');
  if (!tensor) throw new Error('fixture has no w1');
  tensor.externalData = change(tensor.externalData ?? []);
  await writeFile(file, onnxProto.ModelProto.encode(model).finish());
}

describe('ONNX external data is refused outside the model folder (CVE-2022-25882 family)', () => {
  beforeAll(async () => {
    await writeFile(join(dir, 'secret.bin'), Buffer.alloc(4096, 7));
  });

  it.each([
    ['parent', '../secret.bin', /contains '\.\.'/],
    ['nested parent', 'subdir/../../secret.bin', /contains '\.\.'/],
    ['absolute', '/etc/passwd', /is absolute/],
    ['backslash parent', '..\\secret.bin', /contains '\.\.'/],
    ['missing', 'no-such-file', /does not exist/],
  ])('%s location %j', async (name, location, message) => {
    const folder = await withLocation(`loc-${name.replace(/\W/g, '-')}`, location);
    await expect(loadModel(folder)).rejects.toThrow(message);
  });

  it('refuses every shared traversal payload as a location', async () => {
    await writeFile(join(dir, 'secret.txt'), Buffer.alloc(4096, 7));
    for (const [index, payload] of P_TRAV.entries()) {
      if (payload === '') continue;
      const folder = await withLocation(`p-trav-${index}`, payload);
      await expect(loadModel(folder), payload).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('refuses a symlink that leaves the folder', async () => {
    const folder = await withLocation('symlink-out', 'weights.bin');
    await symlink(join(dir, 'secret.bin'), join(folder, 'weights.bin'));
    await expect(loadModel(folder)).rejects.toThrow(/resolves outside the model folder/);
  });

  it('accepts a symlink that stays inside the folder', async () => {
    const folder = await withLocation('symlink-in', 'weights.bin');
    await symlink('3f0c6a1e-1d2b-11ef-9c1e-0242ac120002', join(folder, 'weights.bin'));
    const model = await loadModel(folder);
    await model.close();
  });

  it('refuses a hard link', async () => {
    const folder = await withLocation('hardlink', 'weights.bin');
    await link(join(folder, '3f0c6a1e-1d2b-11ef-9c1e-0242ac120002'), join(folder, 'weights.bin'));
    await expect(loadModel(folder)).rejects.toThrow(/hard link/);
  });

  it.each([
    ['a range past the end of the file', { key: 'length', value: '4611686018427387904' }, /not a byte count/],
    ['an offset past the end', { key: 'offset', value: '2000' }, /ends past/],
    ['an unknown key', { key: 'basepath', value: '/etc' }, /unknown external_data key/],
  ])('refuses %s', async (name, entry, message) => {
    const folder = await copyFixture(`entry-${name.replace(/\W/g, '-')}`);
    await rewriteExternal(folder, (entries) => [...entries.filter((e) => e.key !== entry.key), entry]);
    await expect(loadModel(folder)).rejects.toThrow(message);
  });

  it('refuses a flavor data path that leaves the folder', async () => {
    const folder = await copyFixture('data-path');
    const text = await readFile(join(folder, 'MLmodel'), 'utf8');
    await writeFile(
      join(folder, 'MLmodel'),
      text.replace('    data: model.onnx\n    onnx_session', '    data: ../x.onnx\n    onnx_session'),
    );
    await expect(loadModel(folder)).rejects.toThrow(/flavors\.onnx\.data/);
  });
});

describe('models Slipway cannot run', () => {
  it.each([
    [
      'a scikit-learn pickle',
      'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n  sklearn:\n    pickled_model: model.pkl\n',
      /flavors python_function, sklearn \(python_function loads it with the Python module mlflow\.sklearn\); Slipway can run only: onnx\. Those flavors run Python code/,
    ],
    [
      'python_function only',
      'flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n    python_model: python_model.pkl\n',
      /Slipway can run only: onnx/,
    ],
  ])('%s is a clear error naming what is supported', async (name, mlmodel, message) => {
    const folder = join(dir, `unsupported-${name.replace(/\W/g, '-')}`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'MLmodel'), mlmodel);
    await writeFile(join(folder, 'model.pkl'), 'cos\nsystem\n(S"touch /tmp/pwned"\ntR.');
    await expect(loadModel(folder)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(message),
    });
  });

  it('a folder without MLmodel is RESOURCE_DOES_NOT_EXIST', async () => {
    await expect(loadModel(join(dir, 'nothing-here'))).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
