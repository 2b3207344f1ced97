import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigLayer } from '../../config/config-schema.js';
import { loadConfig } from '../../config/load-config.js';
import { captureCli } from '../testing/capture-cli.js';
import { serverFlags } from './server-command.js';
import { superviseCommand } from './supervise-command.js';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'slipway-supervise-cli-'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('deployments.supervise', () => {
  it('is on by default, off by SLIPWAY_DEPLOYMENTS_SUPERVISE=0 or --no-supervise', async () => {
    const load = (env: Record<string, string>, flags: ConfigLayer = {}) =>
      loadConfig({ env, flags, cwd: home, homeDir: home });
    expect((await load({})).deployments.supervise).toBe(true);
    expect((await load({ SLIPWAY_DEPLOYMENTS_SUPERVISE: '0' })).deployments.supervise).toBe(false);
    expect((await load({}, serverFlags({ supervise: false }))).deployments.supervise).toBe(false);
    expect((await load({ SLIPWAY_DEPLOYMENTS_SUPERVISE: '0' }, serverFlags({}))).deployments.supervise).toBe(false);
  });
});

describe('slipway supervise', () => {
  const commands = { supervise: { summary: 'supervise', load: async () => superviseCommand } };

  it('fails with a message, and starts nothing, when the tracking URI names no deployments store', async () => {
    const outcome = await captureCli(commands, ['supervise', '--tracking-uri', 'ftp://example.com/x'], {
      cwd: home,
      homeDir: home,
    });
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).not.toBe('');
    expect(outcome.stdout).toBe('');
  });
});
