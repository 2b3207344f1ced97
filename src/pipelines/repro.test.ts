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
  p = await createPipelineWorkspace({
    'data/raw.csv': 'a,b\n1,2\n',
    'params.yaml': 'train:\n  lr: 0.1\n  epochs: 3\n',
  });
  await writeFile(join(p.root, 'slipway.yaml'), twoStages(p.log, extra.replaceAll('$LOG', JSON.stringify(p.log))));
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

  it.each([
    [
      'its command changed',
      async () => {
        const text = await readFile(join(p.root, 'slipway.yaml'), 'utf8');
        await writeFile(join(p.root, 'slipway.yaml'), text.replace('metrics.json ', 'metrics.json  '));
      },
    ],
    [
      'dependency tools/train.mjs changed',
      async () => {
        await writeFile(
          join(p.root, 'tools/train.mjs'),
          `${await readFile(join(p.root, 'tools/train.mjs'), 'utf8')}//\n`,
        );
      },
    ],
    [
      'param params.yaml:train.lr changed',
      () => writeFile(join(p.root, 'params.yaml'), 'train:\n  lr: 0.2\n  epochs: 3\n'),
    ],
    ['output model is missing', () => rm(join(p.root, 'model'), { recursive: true })],
    ['output metrics.json was modified', () => writeFile(join(p.root, 'metrics.json'), '{"accuracy": 2}')],
  ])('reruns train when %s', async (reason, change) => {
    await setup();
    await p.repro();
    await change();
    const dry = await p.repro({ dry: true });
    expect(dry.stages.find((s) => s.name === 'train')?.reasons).toContain(reason);
    expect(await readLock(p.root)).toEqual(await readLock(p.root));
    const result = await p.repro({ force: false });
    expect(result.stages.find((s) => s.name === 'train')?.reasons).toContain(reason);
    expect(['ran', 'restored']).toContain(result.stages.find((s) => s.name === 'train')?.status);
    expect(statuses(await p.repro())).toEqual({ prepare: 'up-to-date', train: 'up-to-date' });
  });

  it('does not touch the lock or outputs in a dry run', async () => {
    await setup();
    const result = await p.repro({ dry: true });
    expect(statuses(result)).toEqual({ prepare: 'would-run', train: 'would-run' });
    expect(result.stages[1]?.reasons).toContain('stage prepare will write data/prepared.csv');
    expect(await p.ran()).toEqual([]);
    expect((await readLock(p.root)).stages).toEqual({});
  });

  it('runs an always_changed stage every time and a frozen stage never', async () => {
    await setup(`  report:
    cmd: [${NODE}, tools/copy.mjs, metrics.json, report.json, $LOG]
    deps: [metrics.json]
    outs: [report.json]
    always_changed: true
  frozen:
    cmd: [${NODE}, -e, "process.exit(1)"]
    frozen: true
`);
    expect(statuses(await p.repro())).toMatchObject({ report: 'ran', frozen: 'frozen' });
    expect(statuses(await p.repro())).toEqual({
      prepare: 'up-to-date',
      train: 'up-to-date',
      report: 'ran',
      frozen: 'frozen',
    });
    expect((await p.ran()).filter((name) => name === 'report')).toHaveLength(2);
  });

  it('restores outputs from the run cache when a change is reverted, without running the command', async () => {
    await setup();
    await p.repro();
    const model = await readFile(join(p.root, 'model/model.onnx'), 'utf8');
    await writeFile(join(p.root, 'params.yaml'), 'train:\n  lr: 0.5\n  epochs: 3\n');
    expect(statuses(await p.repro())).toEqual({ prepare: 'up-to-date', train: 'ran' });
    expect(await readFile(join(p.root, 'model/model.onnx'), 'utf8')).not.toBe(model);
    await writeFile(join(p.root, 'params.yaml'), 'train:\n  lr: 0.1\n  epochs: 3\n');
    expect(statuses(await p.repro())).toEqual({ prepare: 'up-to-date', train: 'restored' });
    expect(await p.ran()).toEqual(['prepare', 'train', 'train']);
    expect(await readFile(join(p.root, 'model/model.onnx'), 'utf8')).toBe(model);
    expect(JSON.parse(await readFile(join(p.root, 'metrics.json'), 'utf8'))).toEqual({
      accuracy: 0.9,
      nested: { loss: 0.1 },
    });
    expect(await readFile(join(p.root, 'model.slip'), 'utf8')).toContain(
      (await readLock(p.root)).stages.train?.outs[0]?.digest,
    );
    expect(statuses(await p.repro())).toEqual({ prepare: 'up-to-date', train: 'up-to-date' });
    expect(statuses(await p.repro({ force: true }))).toEqual({ prepare: 'ran', train: 'ran' });
  });

  it('stops at a failing command, keeps that stage out of the lock and records a FAILED run', async () => {
    await setup(`  broken:
    cmd: ${process.execPath} -e "process.exit(3)"
    deps: [metrics.json]
    outs: [broken.txt]
  after:
    cmd: [${NODE}, tools/copy.mjs, broken.txt, after.txt]
    deps: [broken.txt]
    outs: [after.txt]
`);
    const error = await rejectionOf(p.repro());
    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toBe('Stage broken failed: its command exited with status 3.');
    const lock = await readLock(p.root);
    expect(Object.keys(lock.stages)).toEqual(['prepare', 'train']);
    const runs = await p.runs();
    const broken = runs.find((run) => run.info.runName === 'broken');
    expect(broken?.info.status).toBe('FAILED');
    expect(runs.some((run) => run.info.runName === 'after')).toBe(false);
    expect(statuses(await p.repro({ dry: true }))).toMatchObject({ train: 'up-to-date', broken: 'would-run' });
  });

  it('refuses an output the command did not write', async () => {
    await setup(`  lazy:
    cmd: [${NODE}, -e, ""]
    outs: [never.txt]
`);
    const error = await rejectionOf(p.repro({ targets: ['lazy'] }));
    expect(error.code).toBe('INVALID_STATE');
    expect(error.message).toBe('Stage lazy ran but did not write never.txt.');
    expect((await readLock(p.root)).stages).toEqual({});
  });

  it('names the file and key of a param that does not exist', async () => {
    await setup();
    await writeFile(join(p.root, 'params.yaml'), 'train:\n  rate: 0.1\n');
    const error = await rejectionOf(p.repro());
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toBe('Stage train reads the param train.lr from params.yaml, which has no such key.');
  });

  it('names a dependency that does not exist and no stage writes', async () => {
    await setup();
    await rm(join(p.root, 'data/raw.csv'));
    const error = await rejectionOf(p.repro());
    expect(error.code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(error.message).toBe('Stage prepare depends on data/raw.csv, which does not exist.');
  });

  it('runs independent stages in parallel with -j', async () => {
    // each stage waits (up to 20 s) for the other to have started: only concurrent runs both see the other
    const waiter = (me: string, other: string) =>
      `[${NODE}, -e, "const fs=require('fs');fs.writeFileSync('${me}.started','');const t=Date.now();while(!fs.existsSync('${other}.started')&&Date.now()-t<20000){}fs.writeFileSync('${me}.out',String(fs.existsSync('${other}.started')))"]`;
    p = await createPipelineWorkspace({});
    await writeFile(
      join(p.root, 'slipway.yaml'),
      `schema: 1
stages:
  a:
    cmd: ${waiter('a', 'b')}
    outs: [a.out]
  b:
    cmd: ${waiter('b', 'a')}
    outs: [b.out]
`,
    );
    expect(statuses(await p.repro({ jobs: 2 }))).toEqual({ a: 'ran', b: 'ran' });
    expect(await readFile(join(p.root, 'a.out'), 'utf8')).toBe('true');
    expect(await readFile(join(p.root, 'b.out'), 'utf8')).toBe('true');
    // both outs were stored (one at a time), so the shared .gitignore names both
    expect((await readFile(join(p.root, '.gitignore'), 'utf8')).split('\n')).toEqual(
      expect.arrayContaining(['/a.out', '/b.out']),
    );
  }, 60_000);

  it('tracks each stage that runs: params, metrics, lineage, dependency digests, outputs and the model', async () => {
    await setup();
    const result = await p.repro();
    const runId = result.stages.find((s) => s.name === 'train')?.runId as string;
    const run = await p.client.getRun(runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.params).toEqual([{ key: 'train.lr', value: '0.1' }]);
    expect(Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]))).toEqual({
      accuracy: 0.9,
      'nested.loss': 0.1,
    });
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    expect(tags['slipway.pipeline.stage']).toBe('train');
    expect(tags['slipway.git.dirty']).toBeDefined();
    expect(tags['slipway.command']).toContain('tools/train.mjs');
    expect(tags['slipway.pipeline.model']).toBe('model');
    const lock = await readLock(p.root);
    const inputs = run.inputs.datasetInputs.map((d) => [
      d.dataset.name,
      d.tags[0]?.value,
      JSON.parse(d.dataset.source).digest,
    ]);
    expect(inputs).toContainEqual(['data/prepared.csv', 'dependency', lock.stages.train?.deps[0]?.digest]);
    expect(inputs).toContainEqual(['model', 'output', lock.stages.train?.outs[0]?.digest]);
    expect(JSON.parse(tags['slipway.pipeline.outputs'] as string)).toHaveLength(2);
  });
});
