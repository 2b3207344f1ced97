import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionLogEntry } from './log/prediction-log.js';
import { startServing } from './serve-main.js';
import { type ServingFixture, servingFixture, THREADS } from './testing/serving-fixture.js';
import { wineRow } from './testing/wine-model.js';

const MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const run = promisify(execFile);
const quiet = { handleSignals: false, flavor: THREADS, logger: undefined } as const;

let fixture: ServingFixture;

beforeAll(async () => {
  fixture = await servingFixture();
});

afterAll(() => fixture.cleanup());

const predict = (url: string, rows = [wineRow(0)]) =>
  fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: rows }),
  });

const silent = async () => (await import('./serve-main.js')).createServeLogger('silent');

describe('hot swap', () => {
  it('swaps versions under load without a failed request, then answers from the new one only', async () => {
    const serving = await startServing({ ...quiet, model: fixture.folders[0], port: 0, logger: await silent() });
    try {
      let stop = false;
      const seen = new Map<string, number>();
      const failures: string[] = [];
      const client = async () => {
        while (!stop) {
          const reply = await predict(serving.url, [wineRow(seen.size)]);
          if (reply.status !== 200) failures.push(`${reply.status} ${await reply.text()}`);
          else await reply.arrayBuffer();
          const version = reply.headers.get('x-model-version') ?? '?';
          seen.set(version, (seen.get(version) ?? 0) + 1);
        }
      };
      const clients = Array.from({ length: 16 }, client);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await serving.swap(fixture.folders[1], '2');
      await serving.swap(fixture.folders[2], '3');
      await new Promise((resolve) => setTimeout(resolve, 200));
      stop = true;
      await Promise.all(clients);
      expect(failures).toEqual([]);
      expect([...seen.keys()].sort()).toEqual(['1', '2', '3']);
      expect(
        serving.service
          .model()
          .versions()
          .map((v) => v.version),
      ).toEqual(['3']);
      const after = await predict(serving.url);
      expect(after.headers.get('x-model-version')).toBe('3');
    } finally {
      await serving.close();
    }
  });
});

describe('metrics', () => {
  it('exposes per-model, per-version counters and histograms that promtool accepts', async () => {
    const serving = await startServing({ ...quiet, model: fixture.folders[0], port: 0, logger: await silent() });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => predict(serving.url, [wineRow(i)])));
      await predict(serving.url, [[1, 2]]);
      const reply = await fetch(`${serving.url}/metrics`);
      expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await reply.text();
      expect(text).toContain(
        'slipway_serving_requests_total{model="wine",version="1",endpoint="/predict",code="200"} 20',
      );
      expect(text).toContain('slipway_serving_errors_total{model="wine",version="1",endpoint="/predict",code="400"} 1');
      expect(text).toMatch(
        /slipway_serving_request_duration_seconds_count\{model="wine",version="1",endpoint="\/predict"\} 21/,
      );
      expect(text).toMatch(/slipway_serving_batch_rows_sum\{model="wine",version="1"\} 2[01]/);
      await promtoolCheck(text);
    } finally {
      await serving.close();
    }
  });
});

async function promtoolCheck(text: string): Promise<void> {
  const found = await run('promtool', ['--version']).then(
    () => true,
    () => false,
  );
  if (!found) {
    console.warn('SKIPPED: promtool is not installed (Debian package prometheus); metrics text not checked by it');
    return;
  }
  const file = join(fixture.dir, 'metrics.txt');
  await writeFile(file, text);
  const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(await readFile(file));
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect(output).toBe('');
  expect(code).toBe(0);
}

describe('graceful shutdown (real process)', () => {
  it('on SIGTERM stops accepting, answers the requests in flight, flushes the log and exits 0', async () => {
    const log = join(fixture.dir, 'shutdown.jsonl');
    const child = spawn(
      process.execPath,
      [
        '--import',
        TSX,
        MAIN,
        '--json',
        'serve',
        fixture.folders[0],
        '-p',
        '0',
        '--log-level',
        'warn',
        '--prediction-log',
        log,
        '--max-batch-delay-ms',
        '300',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const { url } = await firstJsonLine(child);
      // The batch delay (3 s) holds these requests in the queue while the signal arrives (after 1 s).
      const inFlight = Array.from({ length: 10 }, (_, i) => predict(url, [wineRow(i)]));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      const replies = await Promise.all(inFlight);
      expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
      const code = await exited;
      expect(code).toBe(0);
      const entries = (await readFile(log, 'utf8'))
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as PredictionLogEntry);
      expect(entries).toHaveLength(10);
      await expect(predict(url)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

function firstJsonLine(child: ChildProcess): Promise<{ url: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve(JSON.parse(line) as { url: string });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}
