import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../data/testing/temp-workspace.js';
import { readLock } from './lock-file.js';
import { createPipelineWorkspace, NODE, type PipelineWorkspace } from './testing/pipeline-workspace.js';

let p: PipelineWorkspace;
afterEach(async () => {
  await p?.close();
});

/** prepare: data/raw.csv → data/prepared.csv; train: params + prepared → model/ + metrics.json. */
const twoStages = (log: string, extra = '') => `schema: 1
stages:
  prepare:
    cmd: [${NODE}, tools/copy.mjs, data/raw.csv, data/prepared.csv, ${JSON.stringify(log)}]
    deps: [tools/copy.mjs, data/raw.csv]
    outs: [data/prepared.csv]
  train:
    cmd: ${process.execPath} tools/train.mjs params.yaml model metrics.json ${log}
    deps: [data/prepared.csv, tools/train.mjs]
    params: [train.lr]
    outs: [model]
    metrics: [metrics.json]
${extra}`;

async function setup(extra = ''): Promise<PipelineWorkspace> {
  p = await createPipelineWorkspace({ 'data/raw.csv': 'a,b\n1,2\n', 'params.yaml': 'train:\n  lr: 0.1\n  epochs: 3\n' });
  await writeFile(join(p.root, 'slipway.yaml'), twoStages(p.log, extra));
  return p;
}

const statuses = (result: { stages: readonly { name: string; status: string }[] }) =>
  Object.fromEntries(result.stages.map((s) => [s.name, s.status]));

describe('repro', () => {
  it('runs every stage in order the first time, records the lock, and nothing the second time', async () => {
    await setup();
    expect(statuses(await p.repro())).toEqual({ prepare: 'ran', train: 'ran' });
    expect(await p.ran()).toEqual(['prepare', 'train']);
    const lock = await readLock(p.root);
    expect(Object.keys(lock.stages)).toEqual(['prepare', 'train']);
    expect(lock.stages.train?.params).toEqual({ 'params.yaml': { 'train.lr': 0.1 } });
    expect(lock.stages.train?.outs[0]).toMatchObject({ path: 'model', files: 2 });
    expect(await readFile(join(p.root, 'model.slip'), 'utf8')).toContain(lock.stages.train?.outs[0]?.digest);
    expect(statuses(await p.repro())).toEqual({ prepare: 'up-to-date', train: 'up-to-date' });
    expect(await p.ran()).toEqual(['prepare', 'train']);
  });
});
