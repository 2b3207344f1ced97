import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeProgram, pathWith, sampleSpec } from '../testing/sample-spec.js';
import { buildKubernetesManifests } from './build-kubernetes-manifests.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-k8s-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (env: NodeJS.ProcessEnv, apply: boolean, kserve = false) =>
  buildKubernetesManifests(
    { env, output: new PassThrough() },
    { spec: sampleSpec(), outDir: join(dir, 'k8s'), apply, kserve, force: true },
  );

describe('buildKubernetesManifests', () => {
  it('writes the plain workload, or only the InferenceService with --kserve', async () => {
    await run({}, false);
    expect((await readdir(join(dir, 'k8s'))).sort()).toEqual([
      'deployment.yaml',
      'hpa.yaml',
      'pdb.yaml',
      'service.yaml',
    ]);
    const { files } = await run({}, false, true);
    expect(files).toEqual([
      join(await import('node:fs/promises').then((fs) => fs.realpath(dir)), 'k8s', 'inferenceservice.yaml'),
    ]);
  });

  it('--apply fails clearly when kubectl is not installed, after writing the manifests', async () => {
    await expect(run({ PATH: join(dir, 'empty') }, true)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('kubectl command is not installed'),
    });
    expect(await readdir(join(dir, 'k8s'))).toContain('deployment.yaml');
  });

  it('--apply fails clearly when kubectl has no cluster configured', async () => {
    const bin = join(dir, 'bin');
    await fakeProgram(bin, 'kubectl', 'echo "error: current-context is not set" >&2; exit 1');
    await expect(run(pathWith(bin), true)).rejects.toMatchObject({
      message: expect.stringContaining('no current context'),
    });
  });

  it('--apply runs kubectl apply on the folder with an argv array', async () => {
    const bin = join(dir, 'bin');
    await fakeProgram(bin, 'kubectl', '[ "$1" = config ] && echo kind-test; exit 0');
    const result = await run(pathWith(bin), true);
    expect(result.appliedTo).toBe('kind-test');
    const argv = (await readFile(join(bin, 'kubectl.log'), 'utf8')).trim().split('\n');
    expect(argv).toEqual(['config', 'current-context', 'apply', '--filename', join(dir, 'k8s')]);
  });

  it('reports a failing kubectl apply as INVALID_STATE', async () => {
    const bin = join(dir, 'bin');
    await fakeProgram(bin, 'kubectl', '[ "$1" = config ] && echo kind-test && exit 0; exit 1');
    await expect(run(pathWith(bin), true)).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
