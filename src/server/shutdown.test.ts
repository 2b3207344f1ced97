import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { installShutdownHandlers, type SignalTarget } from './shutdown.js';

class FakeProcess extends EventEmitter implements SignalTarget {
  readonly exits: number[] = [];
  exit(code: number): never {
    this.exits.push(code);
    return undefined as never;
  }
}

const logger = pino({ level: 'silent' });

function deferred() {
  let resolve = () => {};
  let reject = (_error: Error) => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('installShutdownHandlers', () => {
  it('closes on SIGTERM, then exits 0', async () => {
    const target = new FakeProcess();
    const closing = deferred();
    let closed = 0;
    const close = () => {
      closed++;
      return closing.promise;
    };
    installShutdownHandlers(close, logger, target);
    target.emit('SIGTERM');
    expect(closed).toBe(1);
    await flush();
    expect(target.exits).toEqual([]);
    closing.resolve();
    await flush();
    expect(target.exits).toEqual([0]);
  });

  it('exits at once with 128 + signal on a second signal', async () => {
    const target = new FakeProcess();
    installShutdownHandlers(() => new Promise(() => {}), logger, target);
    target.emit('SIGINT');
    target.emit('SIGINT');
    expect(target.exits).toEqual([130]);
  });

  it('exits 1 when closing fails', async () => {
    const target = new FakeProcess();
    const closing = deferred();
    installShutdownHandlers(() => closing.promise, logger, target);
    target.emit('SIGTERM');
    closing.reject(new Error('disk gone'));
    await flush();
    expect(target.exits).toEqual([1]);
  });

  it('removes its handlers', () => {
    const target = new FakeProcess();
    const remove = installShutdownHandlers(async () => {}, logger, target);
    expect(target.listenerCount('SIGTERM')).toBe(1);
    remove();
    expect(target.listenerCount('SIGTERM') + target.listenerCount('SIGINT')).toBe(0);
  });
});
