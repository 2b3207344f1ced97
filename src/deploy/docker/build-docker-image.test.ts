import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeTree } from '../../data/tree/tree.js';
import { folderTree } from '../folder-tree.js';
import { resolveDeploymentModel } from '../resolve-deployment-model.js';
import { fakeProgram, pathWith, sampleSpec } from '../testing/sample-spec.js';
import { buildDockerImage } from './build-docker-image.js';

let dir: string;
let modelDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-docker-'));
  modelDir = join(dir, 'wine-model');
  await mkdir(join(modelDir, 'data'), { recursive: true });
  await writeFile(join(modelDir, 'MLmodel'), 'flavors:\n  onnx: {}\n');
  await writeFile(join(modelDir, 'data', 'model.onnx'), Buffer.alloc(3000, 7));
  await writeFile(join(modelDir, 'run.sh'), '#!/bin/sh\n');
  await chmod(join(modelDir, 'run.sh'), 0o755);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolveModel = () => resolveDeploymentModel({ cwd: dir }, 'wine-model', { version: '3' });

async function build(env: NodeJS.ProcessEnv, mode: 'auto' | 'always' | 'never', force = false) {
  const model = await resolveModel();
  const spec = sampleSpec({}, model);
  const output = new PassThrough();
  const result = await buildDockerImage(
    { env, output },
    { spec, modelFolder: model.folder, outDir: join(dir, 'ctx'), force, build: mode },
  );
  return { model, spec, result };
}

describe('resolveDeploymentModel (folder)', () => {
  it('pins the folder by the digest of its canonical tree, executable bits included', async () => {
    const model = await resolveModel();
    const { entries } = await folderTree(modelDir);
    expect(entries.map((e) => [e.path, e.size, e.mode])).toEqual([
      ['MLmodel', 20, 0o644],
      ['data/model.onnx', 3000, 0o644],
      ['run.sh', 10, 0o755],
    ]);
    const { createHash } = await import('node:crypto');
    expect(model.digest).toBe(`sha256:${createHash('sha256').update(serializeTree(entries)).digest('hex')}`);
    expect(model).toMatchObject({ name: 'wine-model', version: '3', semver: '0.0.0', uri: 'wine-model' });
  });

  it('refuses a model URI until the registry resolver is plugged in, and uses it once it is', async () => {
    await expect(resolveDeploymentModel({ cwd: dir }, 'models:/wine/3')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      hint: expect.stringContaining('model folder'),
    });
    const pinned = { ...(await resolveModel()), uri: 'models:/wine@production' };
    const resolveUri = async (uri: string) => ({ ...pinned, uri });
    await expect(resolveDeploymentModel({ cwd: dir, resolveUri }, 'models:/wine@production')).resolves.toEqual(pinned);
  });

  it('refuses a missing folder', async () => {
    await expect(resolveDeploymentModel({ cwd: dir }, 'nope')).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
  });
});

describe('buildDockerImage', () => {
  it('writes the context with the model copied at model/<hex> and says plainly that no engine answered', async () => {
    const { spec, result } = await build({ PATH: join(dir, 'empty-bin') }, 'auto');
    const hex = spec.model.digest.slice(7);
    expect(result.built).toBe(false);
    expect(result.engine?.reason).toContain('docker command is not installed');
    expect((await folderTree(join(dir, 'ctx', 'model', hex))).digest).toBe(spec.model.digest);
    expect(result.modelBytes).toBe(3030);
    expect((await readdir(join(dir, 'ctx'))).sort()).toEqual(['.dockerignore', 'Dockerfile', 'model', 'runtime']);
  });

  it('fails clearly with --build when no engine answers, after writing the context', async () => {
    const bin = join(dir, 'bin');
    await fakeProgram(bin, 'docker', 'echo "Cannot connect to the Docker daemon" >&2; exit 1');
    await expect(build(pathWith(bin), 'always')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('no Docker engine is reachable'),
      hint: expect.stringContaining('docker build --tag slipway-wine-model:3-'),
    });
    await stat(join(dir, 'ctx', 'Dockerfile'));
  });

  it('runs docker build with an argv array (no shell) when docker info succeeds', async () => {
    const bin = join(dir, 'bin');
    await fakeProgram(bin, 'docker', '[ "$1" = info ] && echo 28.2.2; exit 0');
    const { result } = await build(pathWith(bin), 'auto');
    expect(result).toMatchObject({ built: true, engine: { reachable: true, serverVersion: '28.2.2' } });
    const argv = (await readFile(join(bin, 'docker.log'), 'utf8')).trim().split('\n');
    expect(argv).toEqual(['info', '--format', '{{.ServerVersion}}', 'build', '--tag', result.image, result.outDir]);
  });

  it('refuses to clobber an earlier context without force; with force replaces the model copy', async () => {
    await build({ PATH: join(dir, 'empty-bin') }, 'never');
    await expect(build({ PATH: join(dir, 'empty-bin') }, 'never')).rejects.toMatchObject({
      code: 'RESOURCE_ALREADY_EXISTS',
    });
    const { spec } = await build({ PATH: join(dir, 'empty-bin') }, 'never', true);
    expect((await folderTree(join(dir, 'ctx', 'model', spec.model.digest.slice(7)))).digest).toBe(spec.model.digest);
  });

  it('refuses a model folder that no longer has the pinned digest, and leaves no partial copy', async () => {
    const model = await resolveModel();
    await writeFile(join(modelDir, 'data', 'model.onnx'), 'tampered');
    const spec = sampleSpec({}, model);
    const output = new PassThrough();
    const input = { spec, modelFolder: model.folder, outDir: join(dir, 'ctx'), build: 'never' as const };
    await expect(buildDockerImage({ env: {}, output }, input)).rejects.toMatchObject({ code: 'CORRUPT_OBJECT' });
    expect(await readdir(join(dir, 'ctx', 'model'))).toEqual([]);
  });

  it('copies a packed Slipway into the context and pins its sha512 integrity in the lock', async () => {
    const model = await resolveModel();
    const tarball = join(dir, 'slipway-0.1.0.tgz');
    await writeFile(tarball, 'not really a tarball');
    const spec = sampleSpec({ slipwayTarball: 'slipway-0.1.0.tgz' }, model);
    const lock = { lockfileVersion: 3, packages: { '': { name: 'slipway' } } };
    const input = {
      spec,
      modelFolder: model.folder,
      outDir: join(dir, 'ctx'),
      build: 'never' as const,
      slipwayLock: lock,
      slipwayTarball: tarball,
    };
    await buildDockerImage({ env: {}, output: new PassThrough() }, input);
    expect(await readFile(join(dir, 'ctx', 'runtime', 'slipway-0.1.0.tgz'), 'utf8')).toBe('not really a tarball');
    const written = JSON.parse(await readFile(join(dir, 'ctx', 'runtime', 'package-lock.json'), 'utf8'));
    const { createHash } = await import('node:crypto');
    const integrity = `sha512-${createHash('sha512').update('not really a tarball').digest('base64')}`;
    expect(written.packages['node_modules/slipway']).toMatchObject({ resolved: 'file:slipway-0.1.0.tgz', integrity });
  });
});
