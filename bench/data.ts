// Data versioning benchmark: `slipway add` of a large file against git-lfs and raw sha256, and add/status of many
// small files, measured in the same run. Usage:
//   npx tsx bench/data.ts [--size-mib 1024] [--files 100000] [--dirs 1000] [--reps 3] [--no-lfs] [--no-docs]
import { execFile } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { addToWorkspace } from '../src/data/add.js';
import { initWorkspace } from '../src/data/init.js';
import { type StatusResult, workspaceStatus } from '../src/data/status.js';
import { openWorkspace, type Workspace } from '../src/data/workspace/workspace.js';
import { median, seconds } from './measure.js';

const MIB = 1024 * 1024;
const DOCS = new URL('../docs/benchmarks.md', import.meta.url);
const run = promisify(execFile);

const { values: args } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '1024' },
    files: { type: 'string', default: '100000' },
    dirs: { type: 'string', default: '1000' },
    reps: { type: 'string', default: '3' },
    'no-lfs': { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
  },
});
const SIZE_MIB = Number(args['size-mib']);
const FILES = Number(args.files);
const DIRS = Number(args.dirs);
const REPS = Number(args.reps);

const git = (cwd: string, ...argv: string[]) => run('git', argv, { cwd, maxBuffer: 256 * MIB });
/** Flushes dirty pages left by the previous step, so it does not slow down the next measurement. */
const settle = () => run('sync', []);

async function newRepo(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '-q');
  await git(dir, 'config', 'user.name', 'bench');
  await git(dir, 'config', 'user.email', 'bench@example.com');
}

async function newWorkspace(dir: string): Promise<Workspace> {
  await newRepo(dir);
  await initWorkspace({ cwd: dir });
  return openWorkspace({ root: dir, cacheUri: join(dir, '.slipway', 'cache'), linkMode: 'copy' });
}

async function writeRandomFile(path: string, sizeMib: number): Promise<void> {
  const handle = await open(path, 'w');
  const chunk = Buffer.alloc(MIB);
  for (let written = 0; written < sizeMib; written += 1) await handle.write(randomFillSync(chunk));
  await handle.close();
}

async function hashFile(path: string): Promise<void> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MIB })) hash.update(chunk as Buffer);
  hash.digest('hex');
}

/** `slipway add` (copy mode) of the file in a fresh workspace; the workspace is removed afterwards. */
async function addOnce(dir: string, source: string): Promise<number> {
  const ws = await newWorkspace(dir);
  await run('cp', ['--reflink=never', source, join(dir, 'big.bin')]);
  await settle();
  try {
    return await seconds(() => addToWorkspace(ws, { paths: ['big.bin'], cwd: dir }));
  } finally {
    await ws.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** `git lfs track` then a timed `git add` of the file in a fresh repository. */
async function lfsOnce(dir: string, source: string): Promise<number> {
  await newRepo(dir);
  await git(dir, 'lfs', 'install', '--local');
  await git(dir, 'lfs', 'track', '*.bin');
  await git(dir, 'add', '.gitattributes');
  await run('cp', ['--reflink=never', source, join(dir, 'big.bin')]);
  await settle();
  try {
    return await seconds(() => git(dir, 'add', 'big.bin'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function bigFile(root: string) {
  const source = join(root, 'source.bin');
  await writeRandomFile(source, SIZE_MIB);
  const hash: number[] = [];
  const add: number[] = [];
  const lfs: number[] = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    await settle();
    hash.push(await seconds(() => hashFile(source)));
    add.push(await addOnce(join(root, `add-${rep}`), source));
    if (!args['no-lfs']) lfs.push(await lfsOnce(join(root, `lfs-${rep}`), source));
    console.log(
      `rep ${rep + 1}: sha256 ${hash.at(-1)?.toFixed(2)} s, add ${add.at(-1)?.toFixed(2)} s, git lfs ${lfs.at(-1)?.toFixed(2) ?? '-'} s`,
    );
  }
  await rm(source);
  return { hash: median(hash), add: median(add), lfs: lfs.length > 0 ? median(lfs) : undefined };
}

/** FILES files of 1–8 KiB spread over DIRS folders (10 top folders of DIRS/10 each). */
async function writeManyFiles(dir: string): Promise<string[]> {
  const paths: string[] = [];
  const block = Buffer.alloc(8 * 1024);
  for (let d = 0; d < DIRS; d += 1) {
    const folder = join(dir, `g${String(d % 10).padStart(2, '0')}`, `d${String(d).padStart(4, '0')}`);
    await mkdir(folder, { recursive: true });
    for (let f = d; f < FILES; f += DIRS) {
      const path = join(folder, `f${String(f).padStart(6, '0')}.bin`);
      const size = 1024 + ((f * 7919) % (7 * 1024 + 1));
      await writeFile(path, randomFillSync(block, 0, size).subarray(0, size));
      paths.push(path);
    }
  }
  return paths;
}

async function manyFiles(root: string) {
  const dir = join(root, 'many-ws');
  const wsOpen = () => openWorkspace({ root: dir, cacheUri: join(dir, '.slipway', 'cache'), linkMode: 'copy' });
  await (await newWorkspace(dir)).close();
  const paths = await writeManyFiles(join(dir, 'data'));
  await new Promise((resolve) => setTimeout(resolve, 1500)); // out of the state index's racy window (1 s)
  await settle();
  const timed = async <T>(work: (ws: Workspace) => Promise<T>) => {
    const ws = await wsOpen();
    try {
      let result: T | undefined;
      const time = await seconds(async () => {
        result = await work(ws);
      });
      return { time, result: result as T };
    } finally {
      await ws.close();
    }
  };
  const add = await timed((ws) => addToWorkspace(ws, { paths: ['data'], cwd: dir }));
  await settle();
  const cleans = [];
  for (let rep = 0; rep < REPS; rep += 1) cleans.push(await timed((ws) => workspaceStatus(ws, { cwd: dir })));
  const clean = { time: median(cleans.map((c) => c.time)), result: cleans[0]?.result as StatusResult };
  const touched = paths.filter((_, index) => index % Math.floor(paths.length / 10) === 0).slice(0, 10);
  const now = new Date();
  for (const path of touched) await utimes(path, now, now);
  const after = await timed((ws) => workspaceStatus(ws, { cwd: dir }));
  if (after.result.hashed !== touched.length)
    throw new Error(`status re-hashed ${after.result.hashed} files, not ${touched.length}`);
  const gitDir = join(root, 'many-git');
  await newRepo(gitDir);
  await run('cp', ['-r', join(dir, 'data'), join(gitDir, 'data')]);
  await settle();
  const gitAdd = await seconds(() => git(gitDir, 'add', '-A'));
  await git(gitDir, 'commit', '-qm', 'data');
  const gitStatuses = [];
  for (let rep = 0; rep < REPS; rep += 1) gitStatuses.push(await seconds(() => git(gitDir, 'status', '--porcelain')));
  const gitStatus = median(gitStatuses);
  return { add, clean, after, gitAdd, gitStatus, touched: touched.length };
}

type BigFigures = Awaited<ReturnType<typeof bigFile>>;
type ManyFigures = Awaited<ReturnType<typeof manyFiles>>;

const mibs = (s: number) => `${Math.round(SIZE_MIB / s)}`;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

function report(big: BigFigures, many: ManyFigures): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lfsRatio = big.lfs === undefined ? undefined : big.lfs / big.add;
  const hashRatio = big.hash / big.add;
  const lines = [
    '## Data versioning',
    '',
    'Run with `npx tsx bench/data.ts` (defaults: `--size-mib 1024 --files 100000 --dirs 1000 --reps 3`). Every',
    'figure is measured in one run on one machine, in temp folders on the same file system; `sync` runs before each',
    'timed step so write-back of the previous step does not slow it down. Files are in the page cache for every',
    'variant. Timings are of the operation itself (in-process `addToWorkspace` / `workspaceStatus`, workers',
    'started inside the timing), not of CLI start-up.',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu}, ${availableParallelism()} cores, Node ${process.version}, ${process.platform}; load average ${LOAD_AT_START} at the start, ${loadavg()[0]?.toFixed(1)} at the end (other jobs raise it: compare with the git baselines, measured alongside).`,
    '',
    `### \`add\` of one ${SIZE_MIB} MiB file (random data, copy mode), median of ${REPS}`,
    '',
    '| Variant | Seconds | MiB/s |',
    '| --- | ---: | ---: |',
    `| node sha256 of the file (createReadStream 1 MiB → createHash) | ${big.hash.toFixed(2)} | ${mibs(big.hash)} |`,
    `| \`slipway add\` (hash in a worker while the kernel copies into the cache) | ${big.add.toFixed(2)} | ${mibs(big.add)} |`,
    ...(big.lfs === undefined
      ? []
      : [`| \`git lfs track\` + \`git add\` (git-lfs ${LFS_VERSION}) | ${big.lfs.toFixed(2)} | ${mibs(big.lfs)} |`]),
    '',
    ...(lfsRatio === undefined
      ? []
      : [`- add vs git lfs: ${lfsRatio.toFixed(1)}× faster (target ≥ 5×: ${verdict(lfsRatio >= 5)}).`]),
    `- add throughput / raw sha256 throughput: ${hashRatio.toFixed(2)} (target ≥ 0.6: ${verdict(hashRatio >= 0.6)}).`,
    '',
    `### ${FILES.toLocaleString('en')} files of 1–8 KiB in ${DIRS.toLocaleString('en')} folders`,
    '',
    '| Operation | Seconds | Files hashed | Target |',
    '| --- | ---: | ---: | --- |',
    `| \`slipway add\` (fresh cache) | ${many.add.time.toFixed(2)} | ${many.add.result.hashed} | ≤ 20 s: ${verdict(many.add.time <= 20)} |`,
    `| \`slipway status\`, nothing changed (median of ${REPS}) | ${many.clean.time.toFixed(2)} | ${many.clean.result.hashed} | ≤ 2 s: ${verdict(many.clean.time <= 2)} |`,
    `| \`slipway status\` after touching ${many.touched} files | ${many.after.time.toFixed(2)} | ${many.after.result.hashed} | re-hashes only those ${many.touched}: ${verdict(many.after.result.hashed === many.touched)} |`,
    `| baseline: \`git add -A\` of the same files (plain git) | ${many.gitAdd.toFixed(2)} | | |`,
    `| baseline: \`git status\` after commit, nothing changed (median of ${REPS}) | ${many.gitStatus.toFixed(2)} | | |`,
    '',
    `- status vs git status: ${(many.clean.time / many.gitStatus).toFixed(1)}× its time; add vs git add -A: ${(many.add.time / many.gitAdd).toFixed(2)}× its time.`,
    '',
  ];
  return lines.join('\n');
}

let LFS_VERSION = 'not installed';
const LOAD_AT_START = loadavg()[0]?.toFixed(1);

/** Replaces (or appends) only the "## Data versioning" section; other sections are left as they are. */
async function writeDocs(section: string): Promise<void> {
  const text = await readFile(DOCS, 'utf8').catch(() => '# Benchmarks\n');
  const start = text.indexOf('## Data versioning');
  if (start === -1) {
    await writeFile(DOCS, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + 1);
  const rest = next === -1 ? '' : text.slice(next + 1);
  await writeFile(DOCS, `${text.slice(0, start)}${section}${rest === '' ? '' : `\n${rest}`}`);
}

const root = await mkdtemp(join(tmpdir(), 'slipway-bench-data-'));
try {
  if (!args['no-lfs']) LFS_VERSION = (await run('git', ['lfs', 'version'])).stdout.trim().split(/[ /]/)[1] ?? 'unknown';
  console.log(`big file: ${SIZE_MIB} MiB, ${REPS} repetitions`);
  const big = await bigFile(root);
  console.log(`many files: ${FILES} files in ${DIRS} folders`);
  const many = await manyFiles(root);
  const section = report(big, many);
  console.log(`\n${section}`);
  if (!args['no-docs']) await writeDocs(section);
} finally {
  await rm(root, { recursive: true, force: true });
}
