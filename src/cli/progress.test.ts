import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatProgress } from './progress.js';

class Capture extends Writable {
  readonly chunks: string[] = [];
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
}

describe('formatProgress', () => {
  it('draws a bar, a percentage and the counts', () => {
    expect(formatProgress('push', 50, 100)).toBe(`push [${'#'.repeat(12)}${'·'.repeat(12)}] 50% 50/100`);
    expect(formatProgress('push', 100, 100)).toContain('100% 100/100');
  });

  it('shows only the count when the total is unknown', () => {
    expect(formatProgress('hashing', 7, undefined)).toBe('hashing 7');
  });
});

describe('createProgress', () => {
  it('redraws in place on a TTY, throttled by the clock, and ends the line on done()', () => {
    const stream = new Capture(true);
    let clock = 0;
    const progress = createProgress({ total: 4, label: 'add', stream, now: () => clock, intervalMs: 100 });
    progress.tick();
    progress.tick(); // same instant: throttled
    clock = 200;
    progress.tick();
    progress.tick();
    progress.done();
    progress.done();
    expect(stream.chunks).toHaveLength(4);
    expect(stream.chunks[0]?.startsWith('\r\u001b[2K')).toBe(true);
    expect(stream.chunks[0]).toMatch(/add \[.*\] 25% 1\/4$/);
    expect(stream.chunks[1]).toContain('75% 3/4');
    expect(stream.chunks[2]).toContain('100% 4/4');
    expect(stream.chunks[3]).toBe('\n');
  });

  it('writes nothing when the stream is not a TTY', () => {
    const stream = new Capture(false);
    const progress = createProgress({ total: 2, label: 'add', stream });
    progress.tick();
    progress.update(2);
    progress.done();
    expect(stream.chunks).toEqual([]);
  });

  it('writes nothing with --json, even on a TTY', () => {
    const stream = new Capture(true);
    const progress = createProgress({ total: 2, label: 'add', stream, json: true });
    progress.tick();
    progress.done();
    expect(stream.chunks).toEqual([]);
  });
});
