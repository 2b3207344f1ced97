import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../data/testing/temp-workspace.js';
import { diffMetrics, diffParams } from './diff-values.js';
import { expRun } from './exp-run.js';
import { createPipelineWorkspace, type PipelineWorkspace } from './testing/pipeline-workspace.js';

let p: PipelineWorkspace;
afterEach(async () => {
  await p?.close();
});

const PARAMS = '# learning settings\ntrain:\n  lr: 0.1 # the step\n  epochs: 3\n';

async function setup(): Promise<void> {
  p = await createPipelineWorkspace({ 'params.yaml': PARAMS });
  await writeFile(
    join(p.root, 'slipway.yaml'),
    `schema: 1
stages:
  train:
    cmd: ${process.execPath} tools/train.mjs params.yaml model metrics.json ${p.log}
    deps: [tools/train.mjs]
    params: [train.lr]
    outs: [model]
    metrics: [metrics.json]
`,
  );
  await p.repro();
  await p.t.git('add', '-A');
  await p.t.git('commit', '-qm', 'baseline');
}

const sink = () => ({ stdout: process.stderr, stderr: process.stderr });

describe('exp run', () => {
  it('runs with overrides as a tagged run and leaves params.yaml, the lock and the outputs as they were', async () => {
    await setup();
    const lockBefore = await readFile(join(p.root, 'slipway.lock'), 'utf8');
    const modelBefore = await readFile(join(p.root, 'model/model.onnx'), 'utf8');
    const result = await expRun(p.ws, { overrides: ['train.lr=0.25'], output: sink(), tracking: { client: p.client } });
    expect(result.stages.map((s) => s.status)).toEqual(['ran']);
    expect(result.metrics).toEqual({ 'metrics.json': { accuracy: 0.75, 'nested.loss': 0.25 } });
    const run = await p.client.getRun(result.stages[0]?.runId as string);
    expect(run.data.params).toEqual([{ key: 'train.lr', value: '0.25' }]);
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    expect(tags['slipway.exp.overrides']).toBe('["train.lr=0.25"]');

    expect(await readFile(join(p.root, 'params.yaml'), 'utf8')).toBe(PARAMS);
    expect(await readFile(join(p.root, 'slipway.lock'), 'utf8')).toBe(lockBefore);
    expect(await readFile(join(p.root, 'model/model.onnx'), 'utf8')).toBe(modelBefore);
    expect(await p.t.git('status', '--porcelain')).toBe('');
    expect((await p.repro()).stages.map((s) => s.status)).toEqual(['up-to-date']);
  });

  it('refuses a key the params file does not have, changing nothing', async () => {
    await setup();
    const error = await rejectionOf(expRun(p.ws, { overrides: ['train.lrr=1'], output: sink() }));
    expect(error.message).toBe('params.yaml has no param train.lrr to override.');
    expect(await readFile(join(p.root, 'params.yaml'), 'utf8')).toBe(PARAMS);
    expect(await p.t.git('status', '--porcelain')).toBe('');
  });

  it('keeps comments when it overrides YAML (the override is visible to the stage only)', async () => {
    await setup();
    const { applyOverrides, parseOverride } = await import('./params-files.js');
    const text = applyOverrides(PARAMS, 'params.yaml', [parseOverride('train.lr=0.5', 'params.yaml')]);
    expect(text).toBe('# learning settings\ntrain:\n  lr: 0.5 # the step\n  epochs: 3\n');
  });
});

describe('params diff and metrics diff', () => {
  it('compare a revision with the workspace, and two revisions', async () => {
    await setup();
    await writeFile(join(p.root, 'params.yaml'), 'train:\n  lr: 0.3\n  epochs: 3\n');
    await p.repro();
    expect(await diffParams({ root: p.root })).toEqual({
      a: 'HEAD',
      b: 'workspace',
      changes: [{ file: 'params.yaml', key: 'train.lr', old: 0.1, new: 0.3, change: expect.closeTo(0.2) }],
    });
    const metrics = await diffMetrics({ root: p.root });
    expect(metrics.changes.map((c) => [c.key, c.old, c.new])).toEqual([
      ['accuracy', 0.9, 0.7],
      ['nested.loss', 0.1, 0.3],
    ]);
    await p.t.git('commit', '-qam', 'lr 0.3');
    expect((await diffParams({ root: p.root, revA: 'HEAD~1', revB: 'HEAD' })).changes).toHaveLength(1);
    expect((await diffParams({ root: p.root, revA: 'HEAD' })).changes).toEqual([]);
    expect((await diffParams({ root: p.root, all: true })).changes).toEqual([
      { file: 'params.yaml', key: 'train.lr', old: 0.3, new: 0.3, change: 0 },
    ]);
    expect((await rejectionOf(diffMetrics({ root: p.root, revA: 'nope' }))).message).toBe(
      "'nope' is not a git revision of this repository.",
    );
  });
});
