import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../models/tensor/tensor.js';
import { PredictionCapture, type PredictionEvent } from './captured-prediction.js';
import { memoryPredictionSink } from './jsonl-prediction-sink.js';
import { capturedJson, eventEntry } from './prediction-json.js';
import { DEFAULT_PREDICTION_LOG, PredictionLog } from './prediction-log.js';

const event = (
  inputs: Record<string, Tensor>,
  outputs: Record<string, Tensor>,
  over: Partial<PredictionEvent> = {},
): PredictionEvent => ({
  requestId: 'req-1',
  startedAt: Date.UTC(2026, 10, 27, 12, 34, 56, 789),
  model: 'wine',
  version: '3',
  inputs,
  outputs,
  latencyMs: 1.23456,
  shadow: false,
  ...over,
});

const wine = (i: number) =>
  event(
    { input: { dtype: 'float32', shape: [1, 3], data: new Float32Array([7.4, 0.7, i]) } },
    {
      label: { dtype: 'int64', shape: [1], data: new BigInt64Array([BigInt(i)]) },
      probabilities: { dtype: 'float32', shape: [1, 2], data: new Float32Array([0.25, 0.75]) },
    },
    { requestId: `req-${i}` },
  );

/** The line the log wrote before: the entry object, then JSON.stringify. */
const reference = (e: PredictionEvent) => JSON.stringify(eventEntry(e));

function expectSameLine(e: PredictionEvent): void {
  const captured = new PredictionCapture().capture(e);
  expect(captured).toBeDefined();
  expect(capturedJson(captured as NonNullable<typeof captured>)).toBe(reference(e));
}

describe('captured predictions', () => {
  it('write the same line as JSON.stringify of the entry, for a classifier', () => {
    expectSameLine(wine(5));
    expect(JSON.parse(reference(wine(5)))).toMatchObject({
      kind: 'prediction',
      request_id: 'req-5',
      time: '2026-11-27T12:34:56.789Z',
      inputs: { input: [[Math.fround(7.4), Math.fround(0.7), 5]] },
      outputs: { label: [5], probabilities: [[0.25, 0.75]] },
      latency_ms: 1.235,
    });
  });

  it('write every numeric dtype and rank alike, NaN and ±Infinity as null, bool as booleans', () => {
    const inputs: Record<string, Tensor> = {
      scalar: { dtype: 'float64', shape: [], data: new Float64Array([Number.NaN]) },
      vector: { dtype: 'float64', shape: [4], data: new Float64Array([1e21, -0, Number.POSITIVE_INFINITY, 0.1]) },
      cube: { dtype: 'int32', shape: [2, 1, 2], data: new Int32Array([1, -2, 3, 2147483647]) },
      empty: { dtype: 'float32', shape: [2, 0], data: new Float32Array([]) },
      none: { dtype: 'uint8', shape: [0, 3], data: new Uint8Array([]) },
      flags: { dtype: 'bool', shape: [3], data: new Uint8Array([0, 1, 2]) },
    };
    const outputs: Record<string, Tensor> = {
      i8: { dtype: 'int8', shape: [2], data: new Int8Array([-128, 127]) },
      u16: { dtype: 'uint16', shape: [1, 1], data: new Uint16Array([65535]) },
      u32: { dtype: 'uint32', shape: [1], data: new Uint32Array([4294967295]) },
      i64: { dtype: 'int64', shape: [2], data: new BigInt64Array([2n ** 53n - 1n, -(2n ** 53n) + 1n]) },
      u64: { dtype: 'uint64', shape: [1], data: new BigUint64Array([12n]) },
    };
    expectSameLine(event(inputs, outputs));
  });

  it('keep odd names, ids, times and latencies as JSON.stringify writes them', () => {
    const odd = { dtype: 'float32' as const, shape: [1], data: new Float32Array([1]) };
    const inputs = { ['__proto__']: odd, '10': odd, '2': odd, 'say "hi" é\u2028': odd } as Record<string, Tensor>;
    expectSameLine(event(inputs, {}, { requestId: 'a"b\\c', model: 'm\u00e9', version: '<v>' }));
    for (const startedAt of [0, -1, -86_400_001, 253_402_300_799_999, 253_402_300_800_000, 1.5, Date.now()]) {
      expectSameLine(event({}, {}, { startedAt }));
    }
    for (const latencyMs of [0, 0.0004, 12.3456789, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectSameLine(event({}, {}, { latencyMs, shadow: true }));
    }
  });

  it('are not taken for strings, int64 beyond ±2^53 or tensors short of their shape (the log keeps those whole)', () => {
    const capture = new PredictionCapture();
    const strings: Tensor = { dtype: 'string', shape: [1], data: ['a'] };
    const big: Tensor = { dtype: 'int64', shape: [1], data: new BigInt64Array([2n ** 53n]) };
    const short: Tensor = { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2]) };
    for (const tensor of [strings, big, short]) {
      expect(capture.capture(event({ x: tensor }, {}))).toBeUndefined();
      expect(capture.capture(event({}, { y: tensor }))).toBeUndefined();
    }
  });

  it('hold copies: changing or dropping the tensors afterwards changes nothing, across many chunks', () => {
    const capture = new PredictionCapture();
    const events = Array.from({ length: 5000 }, (_, i) => wine(i));
    const lines = events.map(reference);
    const captured = events.map((e) => capture.capture(e));
    const big = event({ x: { dtype: 'float64', shape: [50_000], data: new Float64Array(50_000).fill(0.5) } }, {});
    const bigLine = reference(big);
    const bigCaptured = capture.capture(big);
    for (const e of events) (e.inputs.input as Tensor<'float32'>).data.fill(-1);
    expect(captured.map((c) => capturedJson(c as NonNullable<typeof c>))).toEqual(lines);
    expect(capturedJson(bigCaptured as NonNullable<typeof bigCaptured>)).toBe(bigLine);
  });
});

describe('PredictionLog with captured predictions', () => {
  it('gives JSON sinks the lines and object sinks the entries, kept-whole predictions and feedback alike', async () => {
    const kept = event({ words: { dtype: 'string', shape: [1], data: ['a "b"'] } }, {}, { requestId: 'kept' });
    const events = [wine(1), kept, wine(2)];
    const lines: string[] = [];
    const json = new PredictionLog({
      write: async () => {},
      writeJson: async (e) => void lines.push(...e),
      close: async () => {},
    });
    const objects = memoryPredictionSink();
    const plain = new PredictionLog(objects, DEFAULT_PREDICTION_LOG);
    for (const log of [json, plain]) {
      for (const e of events) log.record(e);
      log.feedback('kept', { quality: 6 });
      await log.close();
    }
    expect(lines.slice(0, 3)).toEqual(events.map(reference));
    expect(JSON.parse(lines[3] ?? '')).toMatchObject({ kind: 'feedback', request_id: 'kept', label: { quality: 6 } });
    // Feedback is stamped when given, so its time differs between the two logs.
    expect(objects.entries.slice(0, 3)).toEqual(lines.slice(0, 3).map((line) => JSON.parse(line)));
    expect(objects.entries[3]).toMatchObject({ kind: 'feedback', request_id: 'kept', label: { quality: 6 } });
  });
});
