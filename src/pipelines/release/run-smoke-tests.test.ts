import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMlmodel } from '../../models/mlmodel/mlmodel.js';
import type { ModelSignature } from '../../models/signature/model-signature.js';
import { parseSignature } from '../../models/signature/parse-signature.js';
import { createServeLogger, type RunningServing, startServing } from '../../serving/serve-main.js';
import { WINE_FEATURES, wineRow, writeWineModel } from '../../serving/testing/wine-model.js';
import { runSmokeTests } from './run-smoke-tests.js';

let dir: string;
let serving: RunningServing;
let signature: ModelSignature;
const record = (i = 0) => Object.fromEntries(WINE_FEATURES.map((name, f) => [name, wineRow(i)[f]]));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-smoke-'));
  const folder = await writeWineModel(join(dir, 'wine'), { seed: 1 });
  signature = parseSignature(await readMlmodel(folder), 'wine/MLmodel') as ModelSignature;
  serving = await startServing({
    model: folder,
    port: 0,
    handleSignals: false,
    flavor: { intraOpNumThreads: 1, interOpNumThreads: 1 },
    logger: createServeLogger('silent'),
  });
});

afterAll(async () => {
  await serving?.close();
  await rm(dir, { recursive: true, force: true });
});

async function answerTo(body: unknown): Promise<{ predictions: { label: number; probabilities: number[] }[] }> {
  const reply = await fetch(`${serving.url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await reply.json()) as { predictions: { label: number; probabilities: number[] }[] };
}

describe('runSmokeTests against a real inference server', () => {
  it('passes expect (numbers within tolerance, keys not named left out) and schema checks', async () => {
    const inputs = { dataframe_records: [record(0), record(1)] };
    const { predictions } = await answerTo(inputs);
    const nudged = predictions.map((p) => ({ label: p.label, probabilities: p.probabilities.map((x) => x + 1e-7) }));
    const report = await runSmokeTests({
      url: `${serving.url}/`,
      signature,
      tests: [
        { inputs, expect: { predictions: predictions.map((p) => ({ label: p.label })) } },
        { inputs, expect: { predictions: nudged }, tolerance: 1e-6 },
        { inputs, schema: true },
        { inputs: { inputs: [wineRow(0), wineRow(2), wineRow(3)] }, schema: true },
        { inputs: { dataframe_split: { columns: [...WINE_FEATURES], data: [wineRow(4)] } } },
      ],
    });
    expect(report.results.map((r) => r.message)).toEqual([
      'smoke[0] passed: the answer matches expect',
      'smoke[1] passed: the answer matches expect',
      'smoke[2] passed: it fits the signature',
      'smoke[3] passed: it fits the signature',
      'smoke[4] passed: HTTP 200 with a JSON answer',
    ]);
    expect(report.passed).toBe(true);
    expect(report.results[0]).toMatchObject({ index: 0, passed: true, status: 200 });
  });

  it('names the test and the first difference of a wrong answer', async () => {
    const inputs = { dataframe_records: [record(0), record(1)] };
    const { predictions } = await answerTo(inputs);
    const wrongLabel = (predictions[1]?.label ?? 0) + 1;
    const report = await runSmokeTests({
      url: serving.url,
      signature,
      tests: [
        { inputs, expect: { predictions: [{ label: predictions[0]?.label }, { label: wrongLabel }] } },
        {
          inputs,
          expect: { predictions: predictions.map((p) => ({ probabilities: p.probabilities.map((x) => x + 0.01) })) },
          tolerance: 1e-6,
        },
        { inputs, expect: { predictions: [{ label: predictions[0]?.label }] } },
        { inputs, expect: { predictions: [{ quality: 5 }, {}] } },
      ],
    });
    expect(report.passed).toBe(false);
    expect(report.results.map((r) => [r.index, r.passed, r.path])).toEqual([
      [0, false, 'answer.predictions[1].label'],
      [1, false, 'answer.predictions[0].probabilities[0]'],
      [2, false, 'answer.predictions'],
      [3, false, 'answer.predictions[0]'],
    ]);
    expect(report.results[0]?.message).toBe(
      `smoke[0] failed: answer.predictions[1].label is ${predictions[1]?.label}, expected ${wrongLabel} (± 0.000001)`,
    );
    expect(report.results[1]?.message).toMatch(
      /^smoke\[1\] failed: answer\.predictions\[0\]\.probabilities\[0\] is [\d.e+-]+, expected [\d.e+-]+ \(± 0\.000001\)$/,
    );
    expect(report.results[2]?.message).toBe('smoke[2] failed: answer.predictions has 2 items, expected 1');
    expect(report.results[3]?.message).toBe('smoke[3] failed: answer.predictions[0] has no "quality"');
  });

  it('fails a schema check when the answer does not fit the signature, naming where', async () => {
    const wrong: ModelSignature = {
      inputs: signature.inputs,
      outputs: {
        kind: 'tensors',
        tensors: [
          { name: 'label', dtype: 'str', shape: [-1] },
          { name: 'probabilities', dtype: 'float32', shape: [-1, 6] },
        ],
      },
    };
    const narrow: ModelSignature = {
      inputs: signature.inputs,
      outputs: { kind: 'tensors', tensors: [{ name: 'probabilities', dtype: 'float32', shape: [-1, 5] }] },
    };
    const rows = { dataframe_records: [record(0)] };
    const tensor = { inputs: [wineRow(0)] };
    const run = (s: ModelSignature | undefined, inputs: unknown) =>
      runSmokeTests({ url: serving.url, signature: s, tests: [{ inputs, schema: true }] });
    expect((await run(wrong, rows)).results[0]?.message).toMatch(
      /^smoke\[0\] failed: answer\.predictions\[0\]\.label is \d, expected a string$/,
    );
    expect((await run(wrong, tensor)).results[0]?.message).toMatch(
      /^smoke\[0\] failed: answer\.predictions\.label\[0\] is \d, expected a string$/,
    );
    expect((await run(narrow, rows)).results[0]?.message).toBe(
      'smoke[0] failed: answer.predictions[0] has "label", which the signature\'s outputs do not list',
    );
    expect((await run({ inputs: signature.inputs }, rows)).results[0]?.message).toBe(
      'smoke[0] failed: schema: true, but the model signature declares no outputs to check',
    );
  });

  it('reports the status and the server’s message of a refused request', async () => {
    const report = await runSmokeTests({
      url: serving.url,
      tests: [{ inputs: { dataframe_records: [{ colour: 'red' }] }, schema: true }],
    });
    expect(report.results[0]).toMatchObject({ index: 0, passed: false, status: 400 });
    expect(report.results[0]?.message).toMatch(/^smoke\[0\] failed: HTTP 400: .*colour/);
  });
});

describe('runSmokeTests bounds what it waits for and reads', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const json = { 'content-type': 'application/json' };
    const routes: Record<string, (response: ServerResponse) => void> = {
      '/slow/invocations': () => {}, // never answers
      '/big/invocations': (response) => {
        response.writeHead(200, json).end(JSON.stringify({ predictions: 'x'.repeat(5000) }));
      },
      '/chunked/invocations': (response) => {
        response.writeHead(200, json);
        for (let i = 0; i < 10; i++) response.write('x'.repeat(500));
        response.end();
      },
      '/redirect/invocations': (response) => {
        response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
      },
    };
    server = createServer((request, response) => {
      const route = routes[request.url ?? ''];
      if (route !== undefined) route(response);
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok, not json');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const one = async (base: string, options: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
    (await runSmokeTests({ url: base, tests: [{ inputs: { inputs: [[1]] } }], ...options })).results[0]?.message;

  it('times out, refuses a large answer, follows no redirect, and names a non-JSON answer', async () => {
    expect(await one(`${url}/slow`, { timeoutMs: 200 })).toBe(
      `smoke[0] failed: no answer from ${url}/slow/invocations: timed out after 200 ms`,
    );
    expect(await one(`${url}/big`, { maxResponseBytes: 1024 })).toBe(
      `smoke[0] failed: the answer from ${url}/big/invocations is larger than 1024 bytes`,
    );
    expect(await one(`${url}/chunked`, { maxResponseBytes: 1024 })).toBe(
      `smoke[0] failed: the answer from ${url}/chunked/invocations is larger than 1024 bytes`,
    );
    expect(await one(`${url}/redirect`)).toBe('smoke[0] failed: HTTP 302: ');
    expect(await one(url)).toBe('smoke[0] failed: the answer is not JSON: ok, not json');
  });

  it('names a server that is not there', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await one(`http://127.0.0.1:${port}`)).toMatch(
      new RegExp(`^smoke\\[0\\] failed: no answer from http://127\\.0\\.0\\.1:${port}/invocations: .*ECONNREFUSED`),
    );
  });
});
