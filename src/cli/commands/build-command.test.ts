import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandModule, CommandTable } from '../cli-context.js';
import { captureCli } from '../testing/capture-cli.js';
import { buildCommand } from './build-command.js';
import { ciCommand } from './ci-command.js';

const entry = (module: CommandModule) => ({ summary: '', load: async () => module });
const COMMANDS: CommandTable = { build: entry(buildCommand), ci: entry(ciCommand) };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-build-cli-'));
  await mkdir(join(dir, 'wine'));
  await writeFile(join(dir, 'wine', 'MLmodel'), 'flavors: {}\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function slipway(...args: string[]) {
  const env = { PATH: join(dir, 'no-bin') };
  return captureCli(COMMANDS, args, { env, cwd: dir, homeDir: dir, version: '0.1.0' });
}

describe('slipway build and slipway ci', () => {
  it('build docker writes the context and says plainly that it did not build', async () => {
    const result = await slipway('build', 'docker', 'wine', '-o', 'ctx', '--model-version', '3');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Wrote the Docker build context for wine 3 (sha256:');
    expect(result.stdout).toContain('Not built: the docker command is not installed');
    expect(await readdir(join(dir, 'ctx'))).toContain('Dockerfile');
  });

  it('build docker --build fails with a non-zero status and a hint when no engine answers', async () => {
    const result = await slipway('build', 'docker', 'wine', '-o', 'ctx', '--build');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('docker command is not installed');
  });

  it('build k8s --json prints the written files and the spec; bad options are all named', async () => {
    const result = await slipway('--json', 'build', 'k8s', 'wine', '-o', 'k8s', '--env', 'staging', '--replicas', '3');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.files).toHaveLength(4);
    expect(json.spec).toMatchObject({ environment: 'staging', replicas: 3, maxReplicas: 4 });
    const bad = await slipway('build', 'k8s', 'wine', '-o', 'k8s2', '--env', 'Staging', '--memory', 'much');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('environment:');
    expect(bad.stderr).toContain('resources.requests.memory:');
  });

  it('ci init writes the workflow once and refuses to overwrite it without --force', async () => {
    expect((await slipway('ci', 'init', 'gitlab')).code).toBe(0);
    const again = await slipway('ci', 'init', 'gitlab');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('--force');
    expect((await slipway('ci', 'init', 'gitlab', '--force')).code).toBe(0);
    expect(await readdir(dir)).toContain('.gitlab-ci.yml');
  });
});
