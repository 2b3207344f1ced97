import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryPredictionSink, openJsonlPredictionSink } from './jsonl-prediction-sink.js';
import { DEFAULT_PREDICTION_LOG, type PredictionEvent, PredictionLog, type PredictionSink } from './prediction-log.js';

const event = (i: number): PredictionEvent => ({
  requestId: `r${i}`,
  startedAt: Date.UTC(2026, 0, 1, 0, 0, i),
  model: 'wine',
  version: '1',
  inputs: { input: { dtype: 'float32', shape: [1, 2], data: new Float32Array([i, 0.5]) } },
  outputs: { label: { dtype: 'int64', shape: [1], data: new BigInt64Array([5n]) } },
  latencyMs: 1.23456,
  shadow: false,
});

describe('PredictionLog', () => {
  it('writes JSON lines in batches: predictions then feedback, joined by request_id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-plog-'));
    try {
      const file = join(dir, 'logs', 'predictions.jsonl');
      const log = new PredictionLog(await openJsonlPredictionSink(file), { ...DEFAULT_PREDICTION_LOG, maxBuffered: 3 });
      for (let i = 0; i < 7; i++) log.record(event(i));
      log.feedback('r3', 'good');
      await log.close();
      const lines = (await readFile(file, 'utf8'))
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(8);
      expect(lines[0]).toEqual({
        kind: 'prediction',
        request_id: 'r0',
        time: '2026-01-01T00:00:00.000Z',
        model: 'wine',
        version: '1',
        inputs: { input: [[0, 0.5]] },
        outputs: { label: [5] },
        latency_ms: 1.235,
        shadow: false,
      });
      expect(lines.slice(0, 7).map((l) => l.request_id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      expect(lines[7]).toMatchObject({ kind: 'feedback', request_id: 'r3', label: 'good' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('samples predictions at the configured rate (feedback always)', async () => {
    const sink = memoryPredictionSink();
    let next = 0;
    const sequence = () => (next++ % 10) / 10;
    const log = new PredictionLog(sink, { ...DEFAULT_PREDICTION_LOG, sampleRate: 0.3 }, sequence);
    for (let i = 0; i < 100; i++) log.record(event(i));
    log.feedback('r1', 1);
    await log.close();
    expect(sink.entries.filter((e) => e.kind === 'prediction')).toHaveLength(30);
    expect(sink.entries.filter((e) => e.kind === 'feedback')).toHaveLength(1);
    const none = memoryPredictionSink();
    const off = new PredictionLog(none, { ...DEFAULT_PREDICTION_LOG, sampleRate: 0 });
    expect(off.record(event(1))).toBe(false);
    await off.close();
    expect(none.entries).toEqual([]);
  });

  it('keeps entries while the sink fails and writes them once it recovers, dropping beyond the bound', async () => {
    let failing = true;
    const written: string[] = [];
    const sink: PredictionSink = {
      write: async (entries) => {
        if (failing) throw new Error('control plane down');
        written.push(...entries.map((e) => e.request_id));
      },
      close: async () => {},
    };
    const log = new PredictionLog(sink, { ...DEFAULT_PREDICTION_LOG, maxPending: 5, flushIntervalMs: 60_000 });
    for (let i = 0; i < 4; i++) log.record(event(i));
    await log.flush();
    for (let i = 4; i < 7; i++) log.record(event(i));
    await log.flush();
    expect(log.dropped).toBe(2);
    failing = false;
    await log.close();
    expect(written).toEqual(['r2', 'r3', 'r4', 'r5', 'r6']);
  });
});
