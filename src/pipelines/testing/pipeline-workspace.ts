import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createTempWorkspace, type TempWorkspace } from '../../data/testing/temp-workspace.js';
import type { Workspace } from '../../data/workspace/workspace.js';
import { openMetadata } from '../../storage/metadata/open-metadata.js';
import { openObjectStore } from '../../storage/objects/registry.js';
import { createSqlTrackingClient } from '../../tracking/sql-tracking-client.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import type { Run } from '../../tracking/types.js';
import { type ReproInput, type ReproResult, reproPipeline } from '../repro.js';

/** A node script a stage runs: `node <script> …`. Written into every test workspace as `tools/`. */
export const TOOLS: Record<string, string> = {
  // copy <from> <to> [log]: copies a file, appending a line to the log (outside outputs) to count real runs
  'tools/copy.mjs': `import { appendFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
const [from, to, log] = process.argv.slice(2);
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
if (log) appendFileSync(log, process.env.SLIPWAY_STAGE + '\\n');
`,
  // train <params> <outdir> <metrics> <log>: writes a model folder with an MLmodel and metrics from params
  'tools/train.mjs': `import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const [params, out, metrics, log] = process.argv.slice(2);
const lr = Number(/lr: *([0-9.e-]+)/.exec(readFileSync(params, 'utf8'))[1]);
mkdirSync(out, { recursive: true });
writeFileSync(out + '/MLmodel', 'flavors:\\n  onnx: {}\\n');
writeFileSync(out + '/model.onnx', 'weights ' + lr);
writeFileSync(metrics, JSON.stringify({ accuracy: 1 - lr, nested: { loss: lr } }));
if (log) appendFileSync(log, process.env.SLIPWAY_STAGE + '\\n');
`,
};

export interface PipelineWorkspace {
  readonly t: TempWorkspace;
  readonly ws: Workspace;
  readonly root: string;
  /** A file outside the workspace the tool scripts append the stage names to. */
  readonly log: string;
  readonly trackingUri: string;
  readonly client: TrackingClient;
  /** Stage names that really ran (from the log), in order. */
  ran(): Promise<string[]>;
  repro(input?: Partial<ReproInput>): Promise<ReproResult>;
  /** Every run of the workspace's experiment. */
  runs(): Promise<Run[]>;
  close(): Promise<void>;
}

export const NODE = JSON.stringify(process.execPath);

export async function createPipelineWorkspace(files: Record<string, string>): Promise<PipelineWorkspace> {
  const t = await createTempWorkspace();
  await t.write({ ...TOOLS, ...files });
  const outside = await mkdtemp(join(tmpdir(), 'slipway-pipeline-log-'));
  const log = join(outside, 'ran.log');
  const trackingUri = `sqlite:///${join(outside, 'tracking.db')}`;
  const client = createSqlTrackingClient({
    metadata: await openMetadata(trackingUri),
    objects: await openObjectStore(join(outside, 'artifacts')),
  });
  const ws = await t.open();
  const sink = () => new PassThrough().resume();
  return {
    t,
    ws,
    root: t.root,
    log,
    trackingUri,
    client,
    ran: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean),
    repro: (input = {}) =>
      reproPipeline(ws, { output: { stdout: sink(), stderr: sink() }, tracking: { client }, ...input }),
    runs: async () => {
      const experiments = await client.searchExperiments({});
      const ids = experiments.items.map((e) => e.experimentId);
      return [...(await client.searchRuns({ experimentIds: ids, maxResults: 1000 })).items];
    },
    close: async () => {
      await ws.close();
      await client.close();
      await t.remove();
      await rm(outside, { recursive: true, force: true });
    },
  };
}
