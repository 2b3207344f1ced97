import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectsWithCode } from '../tracking/tracking-client.contract.js';
import { openTrackingClient } from './open-tracking-client.js';

describe('openTrackingClient', () => {
  it('opens a direct SQLite client that works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-open-client-'));
    try {
      const client = await openTrackingClient(`sqlite://${join(dir, 'm.db')}`, { objectsUri: join(dir, 'objects') });
      await client.createExperiment({ name: 'x' });
      expect((await client.getExperimentByName('x')).name).toBe('x');
      await client.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens an HTTP client without touching the network', async () => {
    const client = await openTrackingClient('http://127.0.0.1:9/');
    expect(client.uri).toBe('http://127.0.0.1:9');
    const withCredentials = await openTrackingClient('http://alice:s3cret@127.0.0.1:9');
    expect(withCredentials.uri).toBe('http://127.0.0.1:9');
    const error = await rejectsWithCode(withCredentials.getRun('r'), 'TEMPORARILY_UNAVAILABLE');
    expect(error.message).not.toContain('s3cret');
  });

  it('refuses unknown schemes, naming the scheme only, and a direct URI without an object store', async () => {
    const error = await rejectsWithCode(openTrackingClient('ftp://user:secret@host/x'), 'INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('"ftp:"');
    expect(error.message).not.toContain('secret');
    await rejectsWithCode(openTrackingClient('sqlite:///:memory:'), 'INVALID_PARAMETER_VALUE');
  });
});
