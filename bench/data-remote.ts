// Data remotes benchmark: `slipway push` then `slipway pull` of many small objects to a folder remote and to a
// Slipway server on loopback (its own process), beside a raw copy of the same files measured in the same run.
// Usage: npx tsx bench/data-remote.ts [--files 100000] [--dirs 1000] [--jobs 8] [--no-server] [--no-docs]
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { addToWorkspace } from '../src/data/add.js';
import { checkoutWorkspace } from '../src/data/checkout.js';
import { initWorkspace } from '../src/data/init.js';
import { fetchFromRemote } from '../src/data/remote/fetch.js';
import type { OpenRemote } from '../src/data/remote/open-remote.js';
import { pushToRemote } from '../src/data/remote/push.js';
import type { TransferReport } from '../src/data/remote/transfer-report.js';
import { openWorkspace, type Workspace } from '../src/data/workspace/workspace.js';
import { mapConcurrent } from '../src/lib/map-concurrent.js';
import { openObjectStore } from '../src/storage/objects/registry.js';

const DOCS = new URL('../docs/benchmarks.md', import.meta.url);
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const TARGET = 2000;
const run = promisify(execFile);

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '100000' },
    dirs: { type: 'string', default: '1000' },
    jobs: { type: 'string', default: '8' },
    'no-server': { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
  },
});
const FILES = Number(args.files);
const DIRS = Number(args.dirs);
const JOBS = Number(args.jobs);

const seconds = async <T>(work: () => Promise<T>): Promise<[number, T]> => {
  const start = process.hrtime.bigint();
  const result = await work();
  return [Number(process.hrtime.bigint() - start) / 1e9, result];
};

const git = (cwd: string, ...argv: string[]) => run('git', argv, { cwd, maxBuffer: 256 * 1024 * 1024 });
const settle = () => run('sync', []);

async function newRepo(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'config', 'user.name', 'bench');
  await git(dir, 'config', 'user.email', 'bench@example.com');
}

const openAt = (root: string): Promise<Workspace> =>
  openWorkspace({ root, cacheUri: join(root, '.slipway', 'cache'), linkMode: 'copy' });

/** FILES files of 1–8 KiB of random bytes in DIRS folders under data/, added as one tracked directory and committed. */
async function sourceWorkspace(root: string): Promise<void> {
  await newRepo(root);
  await initWorkspace({ cwd: root });
  const block = Buffer.alloc(8 * 1024);
  for (let d = 0; d < DIRS; d += 1) {
    const folder = join(root, 'data', `d${String(d).padStart(4, '0')}`);
    await mkdir(folder, { recursive: true });
    for (let f = d; f < FILES; f += DIRS) {
      const size = 1024 + ((f * 7919) % (7 * 1024 + 1));
      await writeFile(
        join(folder, `f${String(f).padStart(6, '0')}.bin`),
        randomFillSync(block, 0, size).subarray(0, size),
      );
    }
  }
  const ws = await openAt(root);
  try {
    await addToWorkspace(ws, { paths: ['data'], cwd: root });
  } finally {
    await ws.close();
  }
  await git(root, 'add', '-A');
  await git(root, 'commit', '-qm', 'data');
}

/** Every object file of a folder store. */
async function objectFiles(storeRoot: string): Promise<string[]> {
  const base = join(storeRoot, 'objects', 'sha256');
  const entries = await readdir(base, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** The baseline: the same object files copied with fs.copyFile, JOBS at a time, without and with an fsync each. */
async function rawCopy(files: readonly string[], target: string, sync: boolean): Promise<number> {
  await mkdir(target, { recursive: true });
  await settle();
  const [elapsed] = await seconds(() =>
    mapConcurrent(files, JOBS, async (file, index) => {
      const copy = join(target, String(index));
      await copyFile(file, copy);
      if (!sync) return;
      const handle = await open(copy, 'r');
      await handle.sync();
      await handle.close();
    }),
  );
  await rm(target, { recursive: true, force: true });
  return elapsed;
}

interface Leg {
  readonly push: number;
  readonly fetch: number;
  readonly checkout: number;
  readonly objects: number;
}

const checked = (report: TransferReport, label: string): TransferReport => {
  if (report.failures.length > 0)
    throw new Error(`${label}: ${report.failures.length} failures, first ${report.failures[0]?.message}`);
  return report;
};

/** Push from the source workspace to `url`, then pull (fetch + checkout) into a fresh clone. */
async function pushThenPull(root: string, source: string, name: string, url: string): Promise<Leg> {
  const open = async (): Promise<OpenRemote> => ({ name, url, store: await openObjectStore(url) });
  const remote = await open();
  const ws = await openAt(source);
  await settle();
  const [push, pushed] = await seconds(() => pushToRemote(ws, remote, { cwd: source, jobs: JOBS }));
  checked(pushed, `push to ${name}`);
  await Promise.all([ws.close(), remote.store.close()]);
  const clone = join(root, `clone-${name}`);
  await git(root, 'clone', '-q', source, clone);
  const target = await openAt(clone);
  const again = await open();
  await settle();
  const [fetch, fetched] = await seconds(() => fetchFromRemote(target, again, { cwd: clone, jobs: JOBS }));
  checked(fetched, `fetch from ${name}`);
  const [checkout] = await seconds(() => checkoutWorkspace(target, { cwd: clone }));
  await Promise.all([target.close(), again.store.close()]);
  await rm(clone, { recursive: true, force: true });
  console.log(`${name}: push ${push.toFixed(1)} s, fetch ${fetch.toFixed(1)} s, checkout ${checkout.toFixed(1)} s`);
  return { push, fetch, checkout, objects: pushed.transferred };
}

/** `slipway server` in its own process (as deployed), over a folder store; resolves with its URL. */
async function startServer(root: string): Promise<{ url: string; child: ChildProcess }> {
  const home = join(root, 'server-home');
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'server', '--port', '0', '--log-level', 'warn'], {
    env: { ...process.env, SLIPWAY_HOME: home, SLIPWAY_ARTIFACTS_DESTINATION: join(root, 'server-objects') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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

const rate = (objects: number, elapsed: number) => Math.round(objects / elapsed);
const verdict = (value: number) => (value >= TARGET ? 'met' : 'NOT met');

function report(copy: { plain: number; synced: number; objects: number }, legs: ReadonlyArray<[string, Leg]>): string {
  const ratio = (elapsed: number) => (copy.synced / elapsed).toFixed(2);
  const row = (label: string, elapsed: number, objects: number) =>
    `| ${label} | ${elapsed.toFixed(1)} | ${rate(objects, elapsed)} | ${ratio(elapsed)}× | ${verdict(rate(objects, elapsed))} |`;
  const rows = legs.flatMap(([name, leg]) => {
    const pull = leg.fetch + leg.checkout;
    return [
      row(`push to ${name}`, leg.push, leg.objects),
      row(
        `pull from ${name} (fetch ${leg.fetch.toFixed(1)} s + checkout ${leg.checkout.toFixed(1)} s)`,
        pull,
        leg.objects,
      ),
    ];
  });
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, ${process.platform}, load average ${startLoad} at the start, ${loadavg()[0]?.toFixed(1)} at the end; ${FILES} files of 1–8 KiB in ${DIRS} folders (${copy.objects} objects with the tree), -j ${JOBS}.`,
    '',
    '| Operation | Seconds | Objects/s | vs copy + fsync | Target ≥ 2,000/s |',
    '| --- | ---: | ---: | ---: | --- |',
    `| baseline: fs.copyFile of the same object files, ${JOBS} at a time | ${copy.plain.toFixed(1)} | ${rate(copy.objects, copy.plain)} | ${ratio(copy.plain)}× | |`,
    `| baseline: fs.copyFile + fsync of each copy, ${JOBS} at a time | ${copy.synced.toFixed(1)} | ${rate(copy.objects, copy.synced)} | 1.00× | |`,
    ...rows,
  ].join('\n');
}

const startLoad = loadavg()[0]?.toFixed(1);

const SECTION_NOTE = [
  'Run with `npx tsx bench/data-remote.ts` (defaults: 100,000 files, 1,000 folders, `-j 8`). A workspace tracks one',
  'directory of random 1–8 KiB files; `push` copies its objects to the remote, then a fresh git clone `pull`s them',
  '(fetch into the cache, then checkout into the workspace). The folder remote is on the same disk; the Slipway',
  'server runs in its own process on loopback with a folder store. Every object is verified on arrival and written',
  'durably (temp file, fsync, rename, fsync of the folder) by both sides, which the fsync baseline mirrors; the',
  '"vs copy + fsync" column is the baseline\'s time divided by the operation\'s (above 1: faster than the baseline).',
  '',
  "How: small objects move in batches (the object stores' optional `ObjectBatches` capability). The folder store",
  "reads and writes a batch in a worker thread with synchronous calls, hashes every object, fsyncs the batch's temp",
  'files together, renames them and fsyncs each touched folder once; a Slipway server takes and serves object packs',
  '(`POST /api/v1/objects/batch/write|read`, up to 1,000 objects per request) and verifies every digest; checkout',
  'writes small files in the hashing workers the same way. What is left is mostly the disk: one fsync per object',
  'on each side, which the fsync baseline pays too.',
].join('\n');

async function updateDocs(body: string): Promise<void> {
  const current = await readFile(DOCS, 'utf8').catch(() => '# Benchmarks\n');
  const section = `## Data remotes\n\n${SECTION_NOTE}\n\n${body}\n`;
  const pattern = /## Data remotes\n[\s\S]*?(?=\n## |$)/;
  await writeFile(
    DOCS,
    pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}`,
  );
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-bench-remote-'));
  let server: ChildProcess | undefined;
  try {
    const source = join(root, 'source');
    console.log(`Writing and adding ${FILES} files…`);
    await sourceWorkspace(source);
    const files = await objectFiles(join(source, '.slipway', 'cache'));
    const plain = await rawCopy(files, join(root, 'copy-plain'), false);
    const synced = await rawCopy(files, join(root, 'copy-synced'), true);
    console.log(`baseline: copy ${plain.toFixed(1)} s, copy+fsync ${synced.toFixed(1)} s for ${files.length} objects`);
    const legs: Array<[string, Leg]> = [['a folder', await pushThenPull(root, source, 'folder', join(root, 'remote'))]];
    if (!args['no-server']) {
      const started = await startServer(root);
      server = started.child;
      legs.push(['a Slipway server (loopback)', await pushThenPull(root, source, 'server', started.url)]);
    }
    const body = report({ plain, synced, objects: files.length }, legs);
    console.log(`\n${body}`);
    if (!args['no-docs']) await updateDocs(body);
  } finally {
    server?.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  }
}

await main();
