import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandTable } from '../cli-context.js';
import { captureCli } from '../testing/capture-cli.js';
import { serveCommand } from './serve-command.js';
import { parsePollInterval } from './serve-deployment-support.js';

const COMMANDS: CommandTable = { serve: { summary: '', load: async () => serveCommand } };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-serve-cli-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const serve = (...args: string[]) => captureCli(COMMANDS, ['serve', ...args], { cwd: dir, homeDir: dir });

describe('slipway serve: what to serve', () => {
  it.each([
    [[], /Nothing to serve: give a model URI or folder, or --deployment <model>\/<environment>/],
    [['models:/wine/1', '--deployment', 'wine/production'], /either a model to serve or --deployment, not both/],
    [['--deployment', 'wine'], /--deployment.*must be <model>\/<environment>/],
    [['--deployment', 'wine/Production'], /Invalid environment name 'Production'/],
    [['--deployment', 'wine/production', '--canary', 'x=10'], /takes its versions and traffic policy from the/],
    [['--deployment', 'wine/production', '--sticky-header', 'x-user'], /takes its versions and traffic policy/],
    [['--deployment', 'wine/production', '--poll-interval', '10ms'], /must be a duration from 50ms to 10m/],
  ])('refuses %j with a clear error', async (args, message) => {
    const result = await serve(...args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('reads poll intervals in ms, s (the default unit) and m', () => {
    expect([
      parsePollInterval('500ms'),
      parsePollInterval('1s'),
      parsePollInterval('2'),
      parsePollInterval('1m'),
    ]).toEqual([500, 1000, 2000, 60_000]);
    expect(() => parsePollInterval('1h')).toThrow(/duration/);
  });
});
