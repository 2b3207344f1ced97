import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipelineWorkspace, NODE, type PipelineWorkspace } from '../../pipelines/testing/pipeline-workspace.js';
import type { CommandModule, CommandTable } from '../cli-context.js';
import { captureCli } from '../testing/capture-cli.js';
import { dagCommand } from './dag-command.js';
import { expCommand } from './exp-command.js';
import { metricsCommand } from './metrics-command.js';
import { paramsCommand } from './params-command.js';
import { reproCommand } from './repro-command.js';

const entry = (module: CommandModule) => ({ summary: '', load: async () => module });
const COMMANDS: CommandTable = {
  repro: entry(reproCommand),
  dag: entry(dagCommand),
  exp: entry(expCommand),
  params: entry(paramsCommand),
  metrics: entry(metricsCommand),
};

let p: PipelineWorkspace;
afterEach(async () => {
  await p?.close();
});

async function slipway(...args: string[]) {
  return captureCli(COMMANDS, args, { cwd: p.root, homeDir: join(p.root, '.home') });
}

const PIPELINE = (log: string) => `schema: 1
experiment: wine
stages:
  prepare:
    cmd: [${NODE}, tools/copy.mjs, raw.csv, prepared.csv]
    deps: [raw.csv]
    outs: [prepared.csv]
  train:
    cmd: ${process.execPath} tools/train.mjs params.yaml model metrics.json ${log}
    deps: [prepared.csv]
    params: [train.lr]
    outs: [model]
    metrics: [metrics.json]
`;

describe('pipeline commands', () => {
  it('dag, repro, exp run, params diff and metrics diff, with --json and exit statuses', async () => {
    p = await createPipelineWorkspace({ 'raw.csv': 'x\n1\n', 'params.yaml': 'train:\n  lr: 0.1\n' });
    await writeFile(join(p.root, 'slipway.yaml'), PIPELINE(p.log));
    const tracking = ['--tracking-uri', p.trackingUri];

    expect(JSON.parse((await slipway('dag', '--json')).stdout)).toEqual({
      stages: [
        { name: 'prepare', after: [] },
        { name: 'train', after: ['prepare'] },
      ],
      edges: [{ from: 'prepare', to: 'train', path: 'prepared.csv' }],
    });
    expect((await slipway('dag')).stdout).toBe('prepare\ntrain  ← prepare\n');
    expect((await slipway('dag', '--dot')).stdout).toContain('"prepare" -> "train" [label="prepared.csv"];');

    const dry = await slipway('repro', '--dry', '--json');
    expect(JSON.parse(dry.stdout).stages.map((s: { status: string }) => s.status)).toEqual(['would-run', 'would-run']);
    const repro = await slipway('repro', '--json', '-j', '2', ...tracking);
    expect(repro.code, repro.stderr).toBe(0);
    const result = JSON.parse(repro.stdout);
    expect(result.stages.map((s: { status: string }) => s.status)).toEqual(['ran', 'ran']);
    const run = await p.client.getRun(result.stages[1].runId);
    expect(run.info.runName).toBe('train');
    expect((await p.client.getExperimentByName('wine')).experimentId).toBe(run.info.experimentId);
    expect((await slipway('repro', '--no-track')).stdout).toMatch(/prepare\s+up to date/);

    await p.t.git('add', '-A');
    await p.t.git('commit', '-qm', 'v1');
    const exp = await slipway('exp', 'run', '-S', 'train.lr=0.4', '--json', ...tracking);
    expect(exp.code, exp.stderr).toBe(0);
    expect(JSON.parse(exp.stdout).metrics).toEqual({ 'metrics.json': { accuracy: 0.6, 'nested.loss': 0.4 } });
    expect(await readFile(join(p.root, 'params.yaml'), 'utf8')).toBe('train:\n  lr: 0.1\n');
    expect(await p.t.git('status', '--porcelain')).toBe('');

    expect((await slipway('params', 'diff')).stdout).toBe('No params changed between HEAD and workspace.\n');
    await writeFile(join(p.root, 'params.yaml'), 'train:\n  lr: 0.2\n');
    await slipway('repro', '--no-track');
    expect(JSON.parse((await slipway('params', 'diff', '--json')).stdout).changes).toEqual([
      { file: 'params.yaml', key: 'train.lr', old: 0.1, new: 0.2, change: 0.2 - 0.1 },
    ]);
    const metrics = await slipway('metrics', 'diff', 'HEAD');
    expect(metrics.stdout).toMatch(/metrics\.json:accuracy\s+0\.9\s+0\.8/);
  });

  it('exits 2 with every problem of slipway.yaml at file:line:col, and 8 when a stage fails', async () => {
    p = await createPipelineWorkspace({});
    await writeFile(join(p.root, 'slipway.yaml'), 'schema: 1\nstages:\n  a:\n    cmd: [x]\n    outz: [y]\n');
    const invalid = await slipway('repro', '--no-track');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('slipway.yaml:5:5: outz: unknown key — a stage has cmd, wdir, deps');
    await writeFile(
      join(p.root, 'slipway.yaml'),
      `schema: 1\nstages:\n  a:\n    cmd: [${NODE}, -e, "process.exit(1)"]\n`,
    );
    const failed = await slipway('repro', '--json', '--tracking-uri', p.trackingUri);
    expect(failed.code).toBe(8);
    expect(JSON.parse(failed.stderr)).toMatchObject({
      error_code: 'INVALID_STATE',
      message: 'Stage a failed: its command exited with status 1.',
    });
    expect((await p.runs()).map((r) => r.info.status)).toEqual(['FAILED']);
    expect((await slipway('exp', 'run')).code).toBe(2);
  });
});
