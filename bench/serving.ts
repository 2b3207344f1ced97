// Serving benchmark: `slipway serve` (its own process, started by the CLI) on a wine-like model (11 float
// features → softmax over 6 classes, built with the ONNX builders), loaded by autocannon from this process, beside
// a Fastify hello-world route in its own process measured in the same run with the same tool and settings.
// Usage: npx tsx bench/serving.ts [--duration 10] [--no-docs]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadModel } from '../src/models/load-model.js';
import { parseScoringRequest } from '../src/models/scoring/parse-scoring-request.js';
import { toModelFeeds } from '../src/models/scoring/to-model-feeds.js';
import { wineRow, writeWineModel } from '../src/serving/testing/wine-model.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/slipway.js');
const DOCS = join(ROOT, 'docs/benchmarks.md');
const { values: args } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, 'no-docs': { type: 'boolean', default: false } },
});
const DURATION = Number(args.duration);
const BIG = 1000;

/** The slice of autocannon's API (it ships no types) this benchmark uses. */
interface AutocannonResult {
  readonly requests: { readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Load {
  readonly reqPerSec: number;
  /** CPU time the server process spent per request (immune to how busy the rest of the machine is). */
  readonly cpuMicros: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

const HELLO = `
import { fastify } from 'fastify';
const app = fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ url: 'http://127.0.0.1:' + app.server.address().port }));
`;

/** Starts a child process and resolves with the URL it prints as JSON on its first stdout line. */
function startChild(argv: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code} before listening`)));
  });
}

const startHello = () => startChild(['--input-type=module', '-e', HELLO]);
// The server runs from the build (dist/), as users run it: under tsx every closure pays esbuild's __name helper.
const startServe = (model: string, extra: string[] = []) =>
  startChild([BIN, '--json', 'serve', model, '-p', '0', '--log-level', 'warn', ...extra]);

async function build(): Promise<void> {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error('the build failed');
}

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s). */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, connections: number, body?: string, duration = DURATION, pid?: number): Promise<Load> {
  const cpuBefore = await cpuSeconds(pid);
  const result = await autocannon({
    url,
    connections,
    duration,
    ...(body === undefined ? {} : { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
  });
  const cpu = (await cpuSeconds(pid)) - cpuBefore;
  return {
    reqPerSec: result.requests.total / (result.duration || DURATION),
    cpuMicros: (cpu * 1e6) / Math.max(1, result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

const warm = (url: string, body?: string) => load(url, 8, body, 2).then(() => undefined);

/** onnxruntime-node in this process, same session options as the server (1 thread): rows/s for one batch size. */
async function rawRowsPerSecond(folder: string, rows: number): Promise<number> {
  const model = await loadModel(folder, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const payload = parseScoringRequest({ inputs: Array.from({ length: rows }, (_, i) => wineRow(i)) }).payload;
  const { feeds } = toModelFeeds(payload, model);
  for (let i = 0; i < 50; i++) await model.predict(feeds);
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < DURATION * 1000) {
    await model.predict(feeds);
    calls += 1;
  }
  const seconds = (performance.now() - start) / 1000;
  await model.close();
  return (calls * rows) / seconds;
}

interface Row {
  readonly label: string;
  readonly result: Load;
  readonly rowsPerRequest?: number;
}

async function measureServe(folder: string, extra: string[], runs: [string, number, string][]): Promise<Row[]> {
  const { child, url } = await startServe(folder, extra);
  const rows: Row[] = [];
  try {
    for (const [label, connections, body] of runs) {
      await warm(`${url}/predict`, body);
      rows.push({ label, result: await load(`${url}/predict`, connections, body, DURATION, child.pid) });
      console.log(label, rows.at(-1)?.result);
    }
  } finally {
    await stop(child);
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-serving-'));
  try {
    await build();
    const folder = await writeWineModel(join(dir, 'wine'));
    const one = JSON.stringify({ inputs: [wineRow(0)] });
    const big = JSON.stringify({ inputs: Array.from({ length: BIG }, (_, i) => wineRow(i)) });
    const hello = await startHello();
    const baseline: Row[] = [];
    try {
      await warm(hello.url);
      for (const c of [1, 32, 64]) {
        baseline.push({ label: `hello ${c}`, result: await load(hello.url, c, undefined, DURATION, hello.child.pid) });
      }
    } finally {
      await stop(hello.child);
    }
    console.log(baseline);
    const batched = await measureServe(
      folder,
      [],
      [
        ['on 1', 1, one],
        ['on 32', 32, one],
        ['on 64', 64, one],
        ['big 8', 8, big],
      ],
    );
    const unbatched = await measureServe(
      folder,
      ['--no-batching'],
      [
        ['off 1', 1, one],
        ['off 32', 32, one],
        ['off 64', 64, one],
        ['big off 8', 8, big],
      ],
    );
    const logged = await measureServe(
      folder,
      ['--prediction-log', join(dir, 'predictions.jsonl')],
      [
        ['log 32', 32, one],
        ['log 64', 64, one],
      ],
    );
    const raw = await rawRowsPerSecond(folder, BIG);
    const report = render(baseline, [...batched, ...unbatched, ...logged], raw);
    console.log(report);
    if (!args['no-docs']) await writeSection(report);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function render(baseline: Row[], rows: Row[], raw: number): string {
  const hello = new Map(baseline.map((r) => [Number(r.label.split(' ')[1]), r.result]));
  const find = (label: string) => rows.find((r) => r.label === label)?.result;
  const line = (label: string, connections: number, result: Load | undefined) => {
    if (result === undefined) return '';
    const base = hello.get(connections);
    const ratio = result.reqPerSec / (base?.reqPerSec ?? Number.NaN);
    // CPU per request against the hello-world route's at the same connections: the load-independent ratio.
    const cpuRatio = result.cpuMicros / (base?.cpuMicros ?? Number.NaN);
    const met = connections >= 32 ? (ratio >= 0.7 && result.p99 <= 15 ? 'met' : 'NOT met') : '';
    return `| ${label} | ${connections} | ${fmt(result.reqPerSec)} | ${ratio.toFixed(2)}× | ${result.p50} | ${result.p99} | ${fmt(result.cpuMicros)} | ${cpuRatio.toFixed(2)} | ${result.failures} | ${met} |`;
  };
  const table = [
    '| Single-row `POST /predict` | Connections | Requests/s | × hello-world | p50 ms | p99 ms | Server CPU µs/request | Server CPU, hello-world = 1.00 | Failed | Target (≥ 0.7×, p99 ≤ 15 ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...[1, 32, 64].map((c) => {
      const h = hello.get(c);
      return `| baseline: Fastify hello-world route | ${c} | ${fmt(h?.reqPerSec ?? 0)} | 1.00× | ${h?.p50} | ${h?.p99} | ${fmt(h?.cpuMicros ?? 0)} | 1.00 | ${h?.failures} | |`;
    }),
    ...[1, 32, 64].map((c) => line('batching on (default)', c, find(`on ${c}`))),
    ...[1, 32, 64].map((c) => line('batching off', c, find(`off ${c}`))),
    ...[32, 64].map((c) => line('batching on, prediction log (JSONL, every request)', c, find(`log ${c}`))),
  ];
  const bigOn = find('big 8');
  const bigOff = find('big off 8');
  const bigTable = [
    `| ${BIG}-row requests | Rows/s | p99 ms |`,
    '| --- | ---: | ---: |',
    `| baseline: onnxruntime-node in process, ${BIG}-row batches, 1 thread | ${fmt(raw)} | |`,
    `| \`POST /predict\`, 8 connections, batching on | ${fmt((bigOn?.reqPerSec ?? 0) * BIG)} | ${bigOn?.p99} |`,
    `| \`POST /predict\`, 8 connections, batching off | ${fmt((bigOff?.reqPerSec ?? 0) * BIG)} | ${bigOff?.p99} |`,
  ];
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const when = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end; autocannon (in the benchmark process), ${DURATION} s per run, servers in their own processes.`;
  return [when, '', ...table, '', ...bigTable].join('\n');
}

const INTRO = `## Serving

Run with \`npm run bench:serving\` (\`--duration <s>\`, \`--no-docs\`). It builds \`dist/\` first, then starts
\`slipway serve\` from it in its own process (as \`bin/slipway.js\` runs it; one onnxruntime thread) with the wine-like
model of \`src/serving/testing/wine-model.ts\`: 11 float features, standardised, softmax regression over 6 quality
classes, built with the ONNX builders and written by \`saveModel\`. The baseline is a Fastify hello-world route
(\`GET /\` answering \`{"hello":"world"}\`) in its own process, measured in the same run with the same load tool
(autocannon, run from the benchmark process) and settings. Single-row requests send one row as
\`{"inputs": [[…11 numbers…]]}\` and get the label and the 6 probabilities back. "Server CPU µs/request" is the
server process's user + system time (from \`/proc\`) divided by the requests it answered: unlike requests/s it does
not depend on what else the shared machine was doing. The next column divides it by the hello-world route's at the
same number of connections.

Where the time goes (server CPU per single-row request at 32 connections, from \`node --cpu-prof\` and \`perf\` on the
server process and from runs against the previous build on the same machine, 2026-11-27): \`/predict\` costs 30–33 µs
with batching (about 45 µs for the previous build in the same runs), the hello-world route about 11 µs.

- The HTTP POST itself is the floor: a plain Fastify route that parses the same JSON body and sends the same answer
  costs about 17 µs (Node's request-body stream, a larger answer, the kernel's TCP work).
- Slipway's HTTP layer adds about 5 µs: eight more response headers (the security headers, \`X-Request-Id\`,
  \`X-Model-Name\`, \`X-Model-Version\`; Node checks each one with two regular expressions), the Host, cross-site and
  media-type guards, the depth-checked JSON parser and the request metrics (an \`onResponse\` hook). Guards and
  metrics are attached to each route when it is added, so no request looks up its route's configuration; request
  ids are written as one flat string; an answer adds to plain counts and latency buckets, folded into prom-client
  when \`/metrics\` is read (prom-client's own per-call label hashing cost about 1 µs).
- The inference call: one onnxruntime-node \`run\` on 1–32 rows costs 15–22 µs in a tight loop but 50–100 µs in the
  server, where the HTTP work between two calls evicts the runtime's code and data from the caches. Batching (about
  18–25 rows per call at 32–64 connections) brings that to 3–4 µs per request; without batching every request pays
  a cold call (56–62 µs per request in all, 77 µs before).
- The rest of \`/predict\` is about 4 µs: a body of lists of numbers is recognised without running the zod schema and
  converted to the input matrix in one loop (anything else takes the full signature conversion, which also words
  the errors), the batcher, and the answer written straight from the output tensors (the bytes \`JSON.stringify\`
  gave).

At one connection every request pays a cold inference call and a cold HTTP path: about 150 µs (180 µs before),
against about 42 µs for the hello-world route; batching costs what no batching costs there (an idle batcher runs a
request at once, by the same code). A 1000-row request costs about 1.9 ms (3.9 ms before: the one-loop
conversion), with or without batching.

Logging every prediction to JSONL: answering a request copies its numbers into a shared buffer (about 0.3 µs), and
the flush writes the lines in bulk straight from them (about 1.5 µs per line, most of it formatting 17 numbers at
full precision, plus about 1 µs to append them). In the server that is 5–9 µs more per request at 32–64
connections, 15–25% (14–27 µs before, when each entry's tensors stayed alive until the flush and were turned into
objects first); sample with \`--log-sample-rate\` under heavy load.

The 0.7× target is not met. Once the server is saturated its requests/s follow its CPU per request, and 30–33 µs
against 11 µs puts \`/predict\` near 0.35–0.4× of the hello-world route. The plain Fastify POST above already costs
about 1.6× the hello-world GET before any inference, so 0.7× would take a cheaper HTTP stack for this route rather
than more tuning of the request path. For scale (figures from the issue, not measured here): MLflow 2.12's scoring
server answers ~370 single-row requests/s with one worker, a naive Fastify route calling onnxruntime per request
~9,000.
`;

async function writeSection(report: string): Promise<void> {
  const text = await readFile(DOCS, 'utf8');
  const start = text.indexOf('## Serving');
  const rest = start === -1 ? '' : text.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const section = `${INTRO}\n${report}\n`;
  const updated =
    start === -1
      ? `${text.trimEnd()}\n\n${section}`
      : `${text.slice(0, start)}${section}${next === -1 ? '' : `\n${rest.slice(next + 1)}`}`;
  await writeFile(DOCS, updated);
}

await main();
