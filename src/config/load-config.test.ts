import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import type { ConfigLayer } from './config-schema.js';
import { loadConfig } from './load-config.js';

let root: string;
let homeDir: string;
let workspace: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-config-'));
  homeDir = join(root, 'home');
  workspace = join(root, 'work', 'project');
  await mkdir(join(workspace, 'src', 'deep'), { recursive: true });
  await mkdir(homeDir, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeConfig(dir: string, text: string): Promise<string> {
  await mkdir(join(dir, '.slipway'), { recursive: true });
  const file = join(dir, '.slipway', 'config.yaml');
  await writeFile(file, text);
  return file;
}

async function loadError(options: Parameters<typeof loadConfig>[0]): Promise<SlipwayError> {
  const error = await loadConfig(options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

describe('loadConfig defaults', () => {
  it('puts the embedded default in <cwd>/.slipway when no workspace is found', async () => {
    const config = await loadConfig({ cwd: workspace, env: {}, homeDir });
    expect(config.home).toBe(join(workspace, '.slipway'));
    expect(config.workspaceRoot).toBeUndefined();
    expect(config.metadata.uri).toBe(`sqlite://${join(workspace, '.slipway', 'slipway.db')}`);
    expect(config.objects.uri).toBe(join(workspace, '.slipway', 'cache'));
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 5000,
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      allowedOrigins: [],
      insecure: false,
      bodyLimitBytes: 10 * 1024 * 1024,
      objectMaxBytes: 64 * 1024 ** 3,
      artifactMaxBytes: 5 * 1024 ** 3,
      objectDelete: false,
    });
    expect(config.log.level).toBe('info');
    expect(config.files).toEqual([]);
  });

  it('returns a deeply frozen object', async () => {
    const config = await loadConfig({ cwd: workspace, env: {}, homeDir });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.server.allowedHosts)).toBe(true);
  });

  it('percent-encodes characters a sqlite URI would misread', async () => {
    const odd = join(root, 'a#b?c%d');
    await mkdir(odd);
    const config = await loadConfig({ cwd: odd, env: {}, homeDir });
    expect(config.metadata.uri).toBe(`sqlite://${join(root, 'a%23b%3Fc%25d', '.slipway', 'slipway.db')}`);
  });
});

describe('workspace discovery', () => {
  it('walks up from cwd to the nearest directory holding .slipway/', async () => {
    await mkdir(join(workspace, '.slipway'));
    const config = await loadConfig({ cwd: join(workspace, 'src', 'deep'), env: {}, homeDir });
    expect(config.workspaceRoot).toBe(workspace);
    expect(config.home).toBe(join(workspace, '.slipway'));
    expect(config.metadata.uri).toBe(`sqlite://${join(workspace, '.slipway', 'slipway.db')}`);
  });

  it('prefers the nearest workspace when they nest', async () => {
    await mkdir(join(root, 'work', '.slipway'));
    await mkdir(join(workspace, '.slipway'));
    const config = await loadConfig({ cwd: join(workspace, 'src'), env: {}, homeDir });
    expect(config.workspaceRoot).toBe(workspace);
  });

  it('does not treat the home directory (user config) as a workspace', async () => {
    await writeConfig(homeDir, 'schema: 1\n');
    const cwd = join(homeDir, 'code');
    await mkdir(cwd);
    const config = await loadConfig({ cwd, env: {}, homeDir });
    expect(config.workspaceRoot).toBeUndefined();
    expect(config.home).toBe(join(cwd, '.slipway'));
  });
});

describe('precedence: flags > env > workspace file > user file > defaults', () => {
  beforeEach(async () => {
    await writeConfig(homeDir, 'schema: 1\nserver:\n  port: 5001\n  host: 127.0.0.2\nlog:\n  level: debug\n');
    await writeConfig(workspace, 'schema: 1\nserver:\n  port: 5002\n');
  });

  it('the user file overrides defaults', async () => {
    const config = await loadConfig({ cwd: root, env: {}, homeDir });
    expect(config.server.port).toBe(5001);
    expect(config.server.host).toBe('127.0.0.2');
    expect(config.log.level).toBe('debug');
    expect(config.files).toEqual([join(homeDir, '.slipway', 'config.yaml')]);
  });

  it('the workspace file overrides the user file, key by key', async () => {
    const config = await loadConfig({ cwd: workspace, env: {}, homeDir });
    expect(config.server.port).toBe(5002);
    expect(config.server.host).toBe('127.0.0.2');
    expect(config.files).toEqual([
      join(homeDir, '.slipway', 'config.yaml'),
      join(workspace, '.slipway', 'config.yaml'),
    ]);
  });

  it('the environment overrides the files', async () => {
    const config = await loadConfig({ cwd: workspace, env: { SLIPWAY_PORT: '5003', SLIPWAY_HOST: '' }, homeDir });
    expect(config.server.port).toBe(5003);
    expect(config.server.host).toBe('127.0.0.2');
  });

  it('flags override the environment', async () => {
    const config = await loadConfig({
      cwd: workspace,
      env: { SLIPWAY_PORT: '5003' },
      homeDir,
      flags: { server: { port: 5004, host: undefined } },
    });
    expect(config.server.port).toBe(5004);
    expect(config.server.host).toBe('127.0.0.2');
  });
});

describe('environment variables', () => {
  it('maps every SLIPWAY_* variable', async () => {
    const env = {
      SLIPWAY_HOME: 'data',
      SLIPWAY_BACKEND_STORE_URI: 'postgresql://u@db/slipway',
      SLIPWAY_ARTIFACTS_DESTINATION: 's3://bucket/prefix',
      SLIPWAY_HOST: '0.0.0.0',
      SLIPWAY_PORT: '8080',
      SLIPWAY_ALLOWED_HOSTS: 'mlflow.example.com, *.corp.example ,',
      SLIPWAY_ALLOWED_ORIGINS: 'http://localhost:5173',
      SLIPWAY_INSECURE: 'true',
      SLIPWAY_BODY_LIMIT_BYTES: '2048',
      SLIPWAY_LOG_LEVEL: 'warn',
    };
    const config = await loadConfig({ cwd: workspace, env, homeDir });
    expect(config.home).toBe(join(workspace, 'data'));
    expect(config.metadata.uri).toBe('postgresql://u@db/slipway');
    expect(config.objects.uri).toBe('s3://bucket/prefix');
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 8080,
      allowedHosts: ['mlflow.example.com', '*.corp.example'],
      allowedOrigins: ['http://localhost:5173'],
      insecure: true,
      bodyLimitBytes: 2048,
      objectMaxBytes: 64 * 1024 ** 3,
      artifactMaxBytes: 5 * 1024 ** 3,
      objectDelete: false,
    });
    expect(config.log.level).toBe('warn');
  });

  it('derives metadata and objects from SLIPWAY_HOME', async () => {
    const config = await loadConfig({ cwd: workspace, env: { SLIPWAY_HOME: join(root, 'h') }, homeDir });
    expect(config.metadata.uri).toBe(`sqlite://${join(root, 'h', 'slipway.db')}`);
    expect(config.objects.uri).toBe(join(root, 'h', 'cache'));
  });

  it('adds the bound host to the allowlist, bracketing IPv6', async () => {
    const config = await loadConfig({ cwd: workspace, env: { SLIPWAY_HOST: '::1' }, homeDir });
    expect(config.server.host).toBe('::1');
    expect(config.server.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    const lan = await loadConfig({ cwd: workspace, env: { SLIPWAY_HOST: '10.1.2.3' }, homeDir });
    expect(lan.server.allowedHosts).toContain('10.1.2.3');
  });

  it('names the variable in errors', async () => {
    const error = await loadError({
      cwd: workspace,
      env: { SLIPWAY_PORT: 'http', SLIPWAY_INSECURE: 'maybe' },
      homeDir,
    });
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('2 problems');
    expect(error.message).toMatch(/SLIPWAY_PORT: must be a port number/);
    expect(error.message).toMatch(/SLIPWAY_INSECURE: must be true or false/);
    expect(error.hint).toContain('docs/configuration.md');
  });

  it('rejects an out-of-range port', async () => {
    const error = await loadError({ cwd: workspace, env: { SLIPWAY_PORT: '70000' }, homeDir });
    expect(error.message).toMatch(/SLIPWAY_PORT: must be an integer from 0 to 65535/);
  });
});

describe('flags', () => {
  it('names the flag in errors', async () => {
    const flags = { server: { port: -1 }, log: { level: 'loud' } } as unknown as ConfigLayer;
    const error = await loadError({ flags, cwd: workspace, env: {}, homeDir });
    expect(error.message).toMatch(/--port: must be an integer from 0 to 65535/);
    expect(error.message).toMatch(/--log-level: must be one of/);
  });
});

describe('config files', () => {
  it('resolves relative paths in a workspace file against the workspace root', async () => {
    await writeConfig(workspace, 'schema: 1\nhome: store\nobjects:\n  uri: ./objects\n');
    const config = await loadConfig({ cwd: join(workspace, 'src'), env: {}, homeDir });
    expect(config.home).toBe(join(workspace, 'store'));
    expect(config.objects.uri).toBe(join(workspace, 'objects'));
  });

  it('expands ~ in the user file', async () => {
    await writeConfig(homeDir, 'schema: 1\nhome: ~/slipway-data\n');
    const config = await loadConfig({ cwd: workspace, env: {}, homeDir });
    expect(config.home).toBe(join(homeDir, 'slipway-data'));
  });

  it('accepts an empty file', async () => {
    await writeConfig(workspace, '# nothing yet\n');
    const config = await loadConfig({ cwd: workspace, env: {}, homeDir });
    expect(config.server.port).toBe(5000);
  });

  it('reports invalid YAML with file and line', async () => {
    const file = await writeConfig(workspace, 'schema: 1\nserver:\n  port: [5000\n');
    const error = await loadError({ cwd: workspace, env: {}, homeDir });
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toMatch(new RegExp(`${escapeRegExp(file)}:\\d+: invalid YAML`));
  });

  it('reports unknown keys and bad values with file, line and key path', async () => {
    const file = await writeConfig(workspace, 'schema: 1\nserver:\n  port: http\n  hosst: x\nlogg: {}\n');
    const error = await loadError({ cwd: workspace, env: {}, homeDir });
    expect(error.message).toContain('3 problems');
    expect(error.message).toContain(`${file}:3: server.port: must be a port number`);
    expect(error.message).toContain(`${file}:4: server.hosst: unknown key`);
    expect(error.message).toContain(`${file}:5: logg: unknown key`);
  });

  it('requires schema: 1', async () => {
    const file = await writeConfig(homeDir, 'server:\n  port: 5001\n');
    const error = await loadError({ cwd: workspace, env: {}, homeDir });
    expect(error.message).toContain(`${file}: schema: must be 1; add \`schema: 1\``);
    await writeConfig(homeDir, 'schema: 2\n');
    expect((await loadError({ cwd: workspace, env: {}, homeDir })).message).toContain(`${file}:1: schema: must be 1`);
  });

  it('rejects a file that is not a mapping', async () => {
    const file = await writeConfig(workspace, '- a\n- b\n');
    const error = await loadError({ cwd: workspace, env: {}, homeDir });
    expect(error.message).toContain(`${file}: the file must be a YAML mapping`);
  });

  it('does not instantiate custom tags', async () => {
    const file = await writeConfig(workspace, 'schema: 1\nhome: !!js/function "function () { return 1 }"\n');
    const error = await loadError({ cwd: workspace, env: {}, homeDir });
    expect(error.message).toMatch(new RegExp(`${escapeRegExp(file)}:2: invalid YAML: .*tag`, 'i'));
  });

  it('refuses oversized files', async () => {
    await writeConfig(workspace, `schema: 1\n# ${'x'.repeat(70_000)}\n`);
    const error = await loadError({ cwd: workspace, env: {}, homeDir });
    expect(error.message).toMatch(/may be at most 65536/);
  });

  it('stops alias bombs', async () => {
    const names = 'abcdefghi';
    const lines = ['schema: 1', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1];
      lines.push(`${names[i]}: &${names[i]} [*${prev}, *${prev}, *${prev}, *${prev}]`);
    }
    const file = await writeConfig(workspace, `${lines.join('\n')}\n`);
    const error = await loadError({ cwd: workspace, env: {}, homeDir });
    expect(error.message).toContain(`${file}: invalid YAML: too many aliases`);
  });

  it('does not let a workspace file (shared through git) set server.insecure', async () => {
    const file = await writeConfig(workspace, 'schema: 1\nserver:\n  insecure: true\n');
    const error = await loadError({ cwd: workspace, env: {}, homeDir });
    expect(error.message).toContain(`${file}:3: server.insecure: may not be set in a workspace config file`);
    await writeConfig(homeDir, 'schema: 1\nserver:\n  insecure: true\n');
    await rm(file);
    expect((await loadConfig({ cwd: workspace, env: {}, homeDir })).server.insecure).toBe(true);
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
