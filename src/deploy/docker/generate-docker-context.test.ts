import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sampleSpec } from '../testing/sample-spec.js';
import { generateDockerContext } from './generate-docker-context.js';
import { isNpmLockfile, type NpmLockfile } from './runtime-package.js';

const fixtureLock = async (): Promise<NpmLockfile> => {
  const value: unknown = JSON.parse(await readFile(new URL('./fixtures/slipway-lock.json', import.meta.url), 'utf8'));
  if (!isNpmLockfile(value)) throw new Error('fixture is not a lockfile');
  return value;
};

const byPath = (files: { path: string; content: string }[]) => new Map(files.map((file) => [file.path, file.content]));

describe('generateDockerContext', () => {
  it('matches the golden files', async () => {
    const files = byPath(generateDockerContext({ spec: sampleSpec(), slipwayLock: await fixtureLock() }));
    expect([...files.keys()]).toEqual([
      'Dockerfile',
      '.dockerignore',
      'runtime/package.json',
      'runtime/package-lock.json',
    ]);
    await expect(files.get('Dockerfile')).toMatchFileSnapshot('./fixtures/Dockerfile.golden');
    await expect(files.get('.dockerignore')).toMatchFileSnapshot('./fixtures/dockerignore.golden');
    await expect(files.get('runtime/package-lock.json')).toMatchFileSnapshot(
      './fixtures/runtime-package-lock.golden.json',
    );
  });

  it('pins every base image by digest, runs as a fixed non-root UID, and bakes the model in by digest', () => {
    const spec = sampleSpec();
    const dockerfile = byPath(generateDockerContext({ spec })).get('Dockerfile') ?? '';
    const froms = dockerfile.split('\n').filter((line) => line.startsWith('FROM '));
    expect(froms).toHaveLength(3);
    for (const from of froms) expect(from).toMatch(/^FROM node:20-bookworm-slim@sha256:[0-9a-f]{64}( AS \w+)?$/);
    const users = dockerfile.split('\n').filter((line) => line.startsWith('USER '));
    expect(users).toEqual(['USER 10001:10001']);
    const hex = 'ab'.repeat(32);
    expect(dockerfile).toContain(`COPY model/${hex}/ /models/${hex}/`);
    expect(dockerfile).toContain(`dev.slipway.model.digest="sha256:${hex}"`);
    expect(dockerfile).toContain(`CMD ["serve","/models/${hex}","--host","0.0.0.0","--port","5000"]`);
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/bin/tini","--","node",');
    expect(dockerfile).toMatch(/^HEALTHCHECK .* CMD \["node","-e",".*\/health/m);
    expect(dockerfile).not.toMatch(/curl|wget/);
    expect(dockerfile).toContain('EXPOSE 5000');
  });

  it('writes no secret and no credentials-bearing variable into the image', () => {
    const dockerfile = byPath(generateDockerContext({ spec: sampleSpec() })).get('Dockerfile') ?? '';
    const env = dockerfile.split('\n').filter((line) => /^(ENV|ARG) /.test(line));
    expect(env).toEqual(['ENV NODE_ENV=production']);
    expect(dockerfile).not.toMatch(/TOKEN|SECRET|PASSWORD|AWS_|SLIPWAY_TRACKING_URI/);
  });

  it('installs with npm ci from the derived lockfile, or pins Slipway alone without one', async () => {
    const locked = byPath(generateDockerContext({ spec: sampleSpec(), slipwayLock: await fixtureLock() }));
    expect(locked.get('Dockerfile')).toContain('RUN npm ci --omit=dev');
    const unlocked = byPath(generateDockerContext({ spec: sampleSpec() }));
    expect(unlocked.has('runtime/package-lock.json')).toBe(false);
    expect(unlocked.get('Dockerfile')).toContain('RUN npm install --omit=dev');
    expect(JSON.parse(unlocked.get('runtime/package.json') ?? '')).toMatchObject({
      dependencies: { slipway: '0.1.0' },
    });
  });

  it('derives the runtime lock: Slipway at its version, dev-only packages dropped, dev-or-optional kept as optional', async () => {
    const spec = sampleSpec({ slipwayTarball: 'slipway-0.1.0.tgz' });
    const files = byPath(
      generateDockerContext({ spec, slipwayLock: await fixtureLock(), tarballIntegrity: 'sha512-abc' }),
    );
    const lock = JSON.parse(files.get('runtime/package-lock.json') ?? '');
    expect(Object.keys(lock.packages).sort()).toEqual([
      '',
      'node_modules/fsevents-like',
      'node_modules/slipway',
      'node_modules/zod',
    ]);
    expect(lock.packages['']).toEqual({
      name: 'slipway-model-runtime',
      version: '1.0.0',
      dependencies: { slipway: 'file:slipway-0.1.0.tgz' },
    });
    expect(lock.packages['node_modules/slipway']).toMatchObject({
      version: '0.1.0',
      resolved: 'file:slipway-0.1.0.tgz',
      integrity: 'sha512-abc',
      dependencies: { zod: '^4.0.0' },
      bin: { slipway: 'bin/slipway.js' },
    });
    expect(lock.packages['node_modules/fsevents-like']).toMatchObject({ optional: true });
    expect(lock.packages['node_modules/fsevents-like'].devOptional).toBeUndefined();
    expect(files.get('.dockerignore')).toContain('!runtime/slipway-0.1.0.tgz');
  });

  it('turns batching off with --no-batching in the command', () => {
    const dockerfile = byPath(generateDockerContext({ spec: sampleSpec({ batching: false }) })).get('Dockerfile');
    expect(dockerfile).toMatch(/^CMD \[.*"--no-batching"\]$/m);
  });
});
