// Tracking benchmark: log-batch ingest over HTTP, search_runs over 100,000 runs and a 100,000-step metric history,
// each beside a baseline measured in the same run on the same SQLite file (better-sqlite3 directly). Usage:
//   npx tsx bench/tracking.ts [--clients 4] [--batches 100] [--runs 100000] [--steps 100000] [--reps 21]
//                             [--only ingest,search,history] [--pg postgresql://postgres@127.0.0.1:5432/test]
//                             [--server-args '--cpu-prof'] [--no-docs]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { median, seconds } from './measure.js';
import { type PlanReport, type SearchCase, searchPlans } from './tracking-plans.js';
import { type SeedShape, seedSqliteRuns, TIME0 } from './tracking-seed.js';

const DOCS = new URL('../docs/benchmarks.md', import.meta.url);
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '4' },
    batches: { type: 'string', default: '100' },
    runs: { type: 'string', default: '100000' },
    steps: { type: 'string', default: '100000' },
    reps: { type: 'string', default: '21' },
    only: { type: 'string', default: 'ingest,search,history' },
    pg: { type: 'string' },
    'server-args': { type: 'string', default: '' },
    'no-docs': { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(args.clients);
const BATCHES = Number(args.batches);
const RUNS = Number(args.runs);
const STEPS = Number(args.steps);
const REPS = Number(args.reps);
const ONLY = new Set(args.only.split(','));
const BATCH = 1000;
const KEYS = 10;

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

/** `slipway server` in its own process (as deployed) on a SQLite file; resolves with its URL. */
async function startServer(root: string, dbPath: string): Promise<Server> {
  const extra = args['server-args'].split(' ').filter((arg) => arg !== '');
  const argv = [...extra, '--import', 'tsx', MAIN, 'server', '--port', '0', '--log-level', 'warn'];
  const child = spawn(
    process.execPath,
    [...argv, '--backend-store-uri', `sqlite://${dbPath}`, '--artifacts-destination', join(root, 'objects')],
    { env: { ...process.env, SLIPWAY_HOME: join(root, 'home') }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${seen}`)));
  });
  return { url, child };
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** Keep-alive connections, as MLflow's client (a requests Session) keeps them. */
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One request with node:http (lighter on the client's CPU than fetch, which shares the cores with the server). */
function requestOnce(server: Server, method: 'GET' | 'POST', path: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers =
      body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = httpRequest(`${server.url}/api/2.0/mlflow/${path}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`${path}: ${res.statusCode} ${text.slice(0, 300)}`));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Retries once when a kept-alive socket was closed by the server while idle (ECONNRESET before any answer). */
async function request(server: Server, method: 'GET' | 'POST', path: string, body?: string): Promise<string> {
  try {
    return await requestOnce(server, method, path, body);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ECONNRESET') throw error;
    return requestOnce(server, method, path, body);
  }
}

async function call<T>(server: Server, path: string, body: unknown): Promise<T> {
  const text = await request(server, 'POST', path, typeof body === 'string' ? body : JSON.stringify(body));
  return JSON.parse(text) as T;
}

async function newExperiment(server: Server, name: string): Promise<string> {
  return (await call<{ experiment_id: string }>(server, 'experiments/create', { name })).experiment_id;
}

async function newRun(server: Server, experimentId: string): Promise<string> {
  const body = { experiment_id: experimentId, start_time: TIME0 };
  return (await call<{ run: { info: { run_id: string } } }>(server, 'runs/create', body)).run.info.run_id;
}

interface Point {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

/** Batch `index` of a run: KEYS metrics × 100 steps, as a training loop logs them. */
function batchPoints(index: number): Point[] {
  const steps = BATCH / KEYS;
  return Array.from({ length: BATCH }, (_, i) => {
    const step = index * steps + Math.floor(i / KEYS);
    return { key: `metric_${i % KEYS}`, value: Math.sin(step + i) * 10, timestamp: TIME0 + step, step };
  });
}

const batchBody = (runId: string, points: readonly Point[]) => JSON.stringify({ run_id: runId, metrics: points });

// ---------------------------------------------------------------------------------------------------------------
// (a) ingest

interface IngestFigures {
  readonly points: number;
  /** CPU seconds the server process used during the timed HTTP ingest (Linux only). */
  readonly serverCpu: number | undefined;
  readonly httpSeconds: number;
  readonly rawSeconds: number;
  readonly bodyBytes: number;
}

/** CLIENTS clients, each logging BATCHES batches of 1000 points to its own run, bodies serialized beforehand. */
async function httpIngest(server: Server, experimentId: string, batches = BATCHES) {
  const runs = await Promise.all(Array.from({ length: CLIENTS }, () => newRun(server, experimentId)));
  const bodies = runs.map((runId) => Array.from({ length: batches }, (_, b) => batchBody(runId, batchPoints(b))));
  const cpuBefore = await cpuSeconds(server.child.pid);
  const took = await seconds(() =>
    Promise.all(
      bodies.map(async (list) => {
        for (const body of list) await call(server, 'runs/log-batch', body);
      }),
    ),
  );
  const cpuAfter = await cpuSeconds(server.child.pid);
  const serverCpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return { seconds: took, serverCpu };
}

/** The baseline: the same points inserted by better-sqlite3 into the same file, one multi-row INSERT per batch. */
async function rawIngest(server: Server, dbPath: string, experimentId: string): Promise<number> {
  const runs = await Promise.all(Array.from({ length: CLIENTS }, () => newRun(server, experimentId)));
  const db = new BetterSqlite3(dbPath);
  db.pragma('busy_timeout = 5000');
  const row = '(?, ?, ?, ?, ?, ?)';
  const insert = db.prepare(
    `insert into metrics (run_uuid, key, value, timestamp, step, is_nan) values ${Array(BATCH).fill(row).join(', ')}`,
  );
  const write = db.transaction((params: unknown[]) => insert.run(params));
  const batches = runs.flatMap((runId) =>
    Array.from({ length: BATCHES }, (_, b) =>
      batchPoints(b).flatMap((p) => [runId, p.key, p.value, p.timestamp, p.step, 0]),
    ),
  );
  try {
    return await seconds(async () => {
      for (const params of batches) write(params);
    });
  } finally {
    db.close();
  }
}

async function ingest(server: Server, dbPath: string): Promise<IngestFigures> {
  const experimentId = await newExperiment(server, 'bench-ingest');
  await httpIngest(server, await newExperiment(server, 'bench-warmup'), 10);
  const rawSeconds = await rawIngest(server, dbPath, experimentId);
  const { seconds: httpSeconds, serverCpu } = await httpIngest(server, experimentId);
  const bodyBytes = Buffer.byteLength(batchBody('0'.repeat(32), batchPoints(0)));
  const points = CLIENTS * BATCHES * BATCH;
  const cpu =
    serverCpu === undefined ? '' : `, server CPU ${((serverCpu / (points / BATCH)) * 1000).toFixed(1)} ms/batch`;
  console.log(
    `ingest: http ${Math.round(points / httpSeconds)} points/s${cpu}, raw ${Math.round(points / rawSeconds)} points/s`,
  );
  return { points, httpSeconds, rawSeconds, bodyBytes, serverCpu };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields === undefined) return undefined;
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// ---------------------------------------------------------------------------------------------------------------
// (b) search

const SHAPE: SeedShape = { runs: RUNS, params: 10, metrics: 10, paramValues: 10 };

const RAW_FROM = `from runs r
  join latest_metrics f on f.run_uuid = r.run_uuid and f.key = 'm0'
  join params p on p.run_uuid = r.run_uuid and p.key = 'p0'`;

const searchCases = (experimentId: string): SearchCase[] => [
  {
    label: "metrics.m0 > 0.5 and params.p0 = 'v3', order by metrics.m1 DESC",
    filter: "metrics.m0 > 0.5 and params.p0 = 'v3'",
    orderBy: ['metrics.m1 DESC'],
    rawSql: `select r.run_uuid ${RAW_FROM}
      left join latest_metrics o on o.run_uuid = r.run_uuid and o.key = 'm1'
      where r.experiment_id = ? and r.lifecycle_stage = 'active' and f.is_nan = 0 and f.value > ? and p.value = ?
      order by o.value desc limit 100`,
    rawParams: [Number(experimentId), 0.5, 'v3'],
  },
  {
    label: "metrics.m0 > 0.999 and params.p0 = 'v3', order by metrics.m1 DESC (selective)",
    filter: "metrics.m0 > 0.999 and params.p0 = 'v3'",
    orderBy: ['metrics.m1 DESC'],
    rawSql: `select r.run_uuid ${RAW_FROM}
      left join latest_metrics o on o.run_uuid = r.run_uuid and o.key = 'm1'
      where r.experiment_id = ? and r.lifecycle_stage = 'active' and f.is_nan = 0 and f.value > ? and p.value = ?
      order by o.value desc limit 100`,
    rawParams: [Number(experimentId), 0.999, 'v3'],
  },
  {
    label: "metrics.m0 > 0.5 and params.p0 = 'v3', default order (start_time DESC)",
    filter: "metrics.m0 > 0.5 and params.p0 = 'v3'",
    orderBy: [],
    rawSql: `select r.run_uuid ${RAW_FROM}
      where r.experiment_id = ? and r.lifecycle_stage = 'active' and f.is_nan = 0 and f.value > ? and p.value = ?
      order by r.start_time desc, r.run_uuid limit 100`,
    rawParams: [Number(experimentId), 0.5, 'v3'],
  },
];

interface Timed {
  readonly p50: number;
  readonly p90: number;
}

/** Milliseconds of `reps` calls (fewer past 30 s in all) after warm-up calls: median and 90th percentile. */
async function timed(reps: number, work: () => Promise<unknown>): Promise<Timed> {
  const first = await seconds(work);
  for (let i = 0; i < 2 && first < 1; i++) await work();
  const ms: number[] = [];
  for (let spent = 0; ms.length < reps && (ms.length < 3 || spent < 30); ) {
    const took = await seconds(work);
    spent += took;
    ms.push(took * 1000);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: median(ms), p90: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))] ?? 0 };
}

interface SearchFigures {
  readonly label: string;
  readonly http: Timed;
  readonly raw: Timed;
  readonly found: number;
}

async function search(server: Server, dbPath: string, experimentId: string): Promise<SearchFigures[]> {
  const raw = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const figures: SearchFigures[] = [];
    for (const c of searchCases(experimentId)) {
      const body = JSON.stringify({
        experiment_ids: [experimentId],
        filter: c.filter,
        order_by: c.orderBy,
        max_results: 100,
      });
      const first = await call<{ runs?: unknown[] }>(server, 'runs/search', body);
      const statement = raw.prepare(c.rawSql);
      const http = await timed(REPS, () => call(server, 'runs/search', body));
      const rawTimed = await timed(REPS, async () => statement.all(...c.rawParams));
      figures.push({ label: c.label, http, raw: rawTimed, found: first.runs?.length ?? 0 });
      console.log(`search ${c.label}: http p50 ${http.p50.toFixed(1)} ms, raw p50 ${rawTimed.p50.toFixed(1)} ms`);
    }
    return figures;
  } finally {
    raw.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// (c) metric history

interface HistoryFigures {
  readonly http: Timed;
  readonly raw: Timed;
  readonly pages: number;
}

/** Logs STEPS points of one metric over HTTP, then reads them back paged as MLflow's client does. */
async function history(server: Server, dbPath: string, experimentId: string): Promise<HistoryFigures> {
  const runId = await newRun(server, experimentId);
  for (let start = 0; start < STEPS; start += BATCH) {
    const points = Array.from({ length: Math.min(BATCH, STEPS - start) }, (_, i) => {
      const step = start + i;
      return { key: 'loss', value: 1 / (step + 1), timestamp: TIME0 + step, step };
    });
    await call(server, 'runs/log-batch', batchBody(runId, points));
  }
  let pages = 0;
  const readAll = async () => {
    let token: string | undefined;
    let count = 0;
    pages = 0;
    do {
      const query = new URLSearchParams({ run_id: runId, metric_key: 'loss', max_results: '25000' });
      if (token !== undefined) query.set('page_token', token);
      const page = JSON.parse(await request(server, 'GET', `metrics/get-history?${query}`)) as {
        metrics?: unknown[];
        next_page_token?: string;
      };
      count += page.metrics?.length ?? 0;
      token = page.next_page_token;
      pages++;
    } while (token !== undefined);
    if (count !== STEPS) throw new Error(`history: read ${count} points, expected ${STEPS}`);
  };
  const db = new BetterSqlite3(dbPath, { readonly: true });
  const select = db.prepare(
    `select key, value, timestamp, step, is_nan from metrics where run_uuid = ? and key = ?
     order by step, timestamp, value, is_nan`,
  );
  try {
    const http = await timed(Math.max(5, Math.floor(REPS / 2)), readAll);
    const raw = await timed(Math.max(5, Math.floor(REPS / 2)), async () => select.all(runId, 'loss'));
    console.log(`history: http p50 ${http.p50.toFixed(1)} ms (${pages} pages), raw p50 ${raw.p50.toFixed(1)} ms`);
    return { http, raw, pages };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// report

interface Figures {
  ingest?: IngestFigures;
  search?: SearchFigures[];
  history?: HistoryFigures;
  plans?: PlanReport;
}

const rate = (points: number, secs: number) => Math.round(points / secs).toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : '**NOT met**');
const ms = (value: number) => value.toFixed(1);

function ingestRows(f: NonNullable<Figures['ingest']>): string[] {
  const perBatch =
    f.serverCpu === undefined
      ? ''
      : ` (server CPU ${((f.serverCpu / (f.points / BATCH)) * 1000).toFixed(1)} ms per batch)`;
  return [
    '### log-batch ingest',
    '',
    `${CLIENTS} clients, each logging ${BATCHES} batches of ${BATCH} points (${KEYS} metrics × ${BATCH / KEYS} steps, ${Math.round(f.bodyBytes / 1024)} KiB JSON bodies, serialized before timing) to a run of its own, over keep-alive HTTP on loopback.`,
    '',
    '| Variant | Points | Seconds | Points/s | Target ≥ 150,000/s |',
    '| --- | ---: | ---: | ---: | --- |',
    `| baseline: better-sqlite3, one ${BATCH}-row INSERT per transaction, same file | ${f.points} | ${f.rawSeconds.toFixed(2)} | ${rate(f.points, f.rawSeconds)} | |`,
    `| \`POST /api/2.0/mlflow/runs/log-batch\`${perBatch} | ${f.points} | ${f.httpSeconds.toFixed(2)} | ${rate(f.points, f.httpSeconds)} | ${verdict(f.points / f.httpSeconds >= 150_000)} |`,
  ];
}

function searchRows(figures: readonly SearchFigures[]): string[] {
  return [
    '### search_runs',
    '',
    `${RUNS.toLocaleString('en-US')} runs in one experiment, each with ${SHAPE.params} params (${SHAPE.paramValues} values each) and ${SHAPE.metrics} metrics (uniform in [0, 1)); \`max_results\` 100; ${REPS} timed calls after 3 warm-up calls. The HTTP figure is the whole \`POST runs/search\` (100 runs with their params, metrics and tags as JSON); the baseline is the same filter and order as one hand-written SQL query returning run ids only.`,
    '',
    '| Search | Runs returned | HTTP p50 / p90 ms | baseline SQL p50 / p90 ms | Target p50 ≤ 50 ms |',
    '| --- | ---: | ---: | ---: | --- |',
    ...figures.map(
      (f) =>
        `| ${f.label} | ${f.found} | ${ms(f.http.p50)} / ${ms(f.http.p90)} | ${ms(f.raw.p50)} / ${ms(f.raw.p90)} | ${verdict(f.http.p50 <= 50)} |`,
    ),
  ];
}

function historyRows(f: HistoryFigures): string[] {
  return [
    '### get-metric-history',
    '',
    `One metric of ${STEPS.toLocaleString('en-US')} steps, read as MLflow's client does: \`GET metrics/get-history\` with \`max_results\` 25000 and \`page_token\` until the end (${f.pages} requests).`,
    '',
    '| Variant | p50 ms | p90 ms | Target ≤ 150 ms |',
    '| --- | ---: | ---: | --- |',
    `| baseline: better-sqlite3, the ${STEPS} rows in one SELECT | ${ms(f.raw.p50)} | ${ms(f.raw.p90)} | |`,
    `| over HTTP, ${f.pages} pages | ${ms(f.http.p50)} | ${ms(f.http.p90)} | ${verdict(f.http.p50 <= 150)} |`,
  ];
}

function report(figures: Figures, loadStart: number): string {
  const head = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, ${process.platform}; load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0]?.toFixed(1)} at the end. Server and clients share the machine.`;
  const parts = [
    head,
    figures.ingest ? ingestRows(figures.ingest).join('\n') : '',
    figures.search ? searchRows(figures.search).join('\n') : '',
    figures.history ? historyRows(figures.history).join('\n') : '',
    figures.plans?.markdown ?? '',
  ];
  return parts.filter((part) => part !== '').join('\n\n');
}

const SECTION_NOTE = [
  'Run with `npm run bench:tracking` (`npx tsx bench/tracking.ts`; `--pg postgresql://…` adds the PostgreSQL',
  'search check). The server is `slipway server` in its own process on a SQLite file (WAL, default',
  '`synchronous`), on loopback; the benchmark process is the client. The search runs are seeded into that file',
  'in bulk (the same rows the use cases write: runs, run-name tag, params, history and latest_metrics); no',
  'ANALYZE is run, as on a real server. Baselines use better-sqlite3 directly on the same file in the same run.',
].join('\n');

async function updateDocs(body: string): Promise<void> {
  const current = await readFile(DOCS, 'utf8').catch(() => '# Benchmarks\n');
  const section = `## Tracking\n\n${SECTION_NOTE}\n\n${body}\n`;
  const pattern = /## Tracking\n[\s\S]*?(?=\n## |$)/;
  await writeFile(
    DOCS,
    pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------

/** Migrates the file and seeds the search runs before the server opens it; returns the search experiment's id. */
async function prepareStore(dbPath: string): Promise<string> {
  const { openMetadata } = await import('../src/storage/metadata/open-metadata.js');
  const { createExperiment } = await import('../src/tracking/create-experiment.js');
  const store = await openMetadata(`sqlite://${dbPath}`);
  const { experimentId } = await createExperiment({ metadata: store }, { name: 'bench-search' });
  await store.close();
  if (!ONLY.has('search')) return experimentId;
  const db = new BetterSqlite3(dbPath);
  const took = await seconds(async () => seedSqliteRuns(db, Number(experimentId), SHAPE));
  db.close();
  console.log(`seeded ${RUNS} runs in ${took.toFixed(1)} s`);
  return experimentId;
}

async function main(): Promise<void> {
  const loadStart = loadavg()[0] ?? 0;
  const root = await mkdtemp(join(tmpdir(), 'slipway-bench-tracking-'));
  const dbPath = join(root, 'slipway.db');
  const searchExperiment = await prepareStore(dbPath);
  const server = await startServer(root, dbPath);
  const figures: Figures = {};
  try {
    if (ONLY.has('ingest')) figures.ingest = await ingest(server, dbPath);
    if (ONLY.has('search')) figures.search = await search(server, dbPath, searchExperiment);
    if (ONLY.has('history'))
      figures.history = await history(server, dbPath, await newExperiment(server, 'bench-history'));
    if (ONLY.has('search'))
      figures.plans = await searchPlans(dbPath, searchExperiment, searchCases, args.pg, REPS, SHAPE);
  } finally {
    agent.destroy();
    await stopServer(server);
    await rm(root, { recursive: true, force: true });
  }
  const body = report(figures, loadStart);
  console.log(`\n${body}`);
  if (!args['no-docs']) await updateDocs(body);
}

await main();
