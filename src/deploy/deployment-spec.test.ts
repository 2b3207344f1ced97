import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../domain/errors.js';
import { DEFAULT_NODE_BASE_IMAGE, parseDeploymentSpec } from './deployment-spec.js';
import { SAMPLE_MODEL, sampleSpec } from './testing/sample-spec.js';

const problemsOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).code).toBe('INVALID_PARAMETER_VALUE');
    return (error as SlipwayError).message;
  }
  throw new Error('expected an error');
};

describe('DeploymentSpec', () => {
  it('fills in defaults: production, port 5000, a digest-pinned Node base image, an image tag naming the digest', () => {
    const spec = sampleSpec();
    expect(spec).toMatchObject({
      environment: 'production',
      port: 5000,
      replicas: 2,
      maxReplicas: 4,
      baseImage: DEFAULT_NODE_BASE_IMAGE,
      image: { name: 'slipway-wine', tag: '3-abababababab' },
      slipway: { version: '0.1.0', source: 'registry' },
      serving: { batching: true },
    });
    expect(DEFAULT_NODE_BASE_IMAGE).toMatch(/^node:20-bookworm-slim@sha256:[0-9a-f]{64}$/);
  });

  it('names every problem at once, each with its path', () => {
    const message = problemsOf(() =>
      sampleSpec(
        { environment: 'Prod!', port: 80, replicas: 5, maxReplicas: 2, memoryLimit: 'lots', baseImage: 'node:20' },
        { name: 'Wine_Model', semver: 'one' },
      ),
    );
    expect(message).toContain('Invalid deployment (9 problems)');
    for (const path of [
      'model.name',
      'model.semver',
      'environment',
      'port',
      'maxReplicas',
      'resources.limits.memory',
      'image.name',
      'baseImage',
    ]) {
      expect(message).toContain(`  - ${path}: `);
    }
    expect(message).toMatch(/baseImage: the base image must be pinned by digest/);
  });

  it('refuses unknown keys, naming them', () => {
    const spec = { ...sampleSpec(), extra: 1 };
    expect(problemsOf(() => parseDeploymentSpec(spec))).toContain('extra');
  });

  it('requires the tarball name exactly when the source is a tarball', () => {
    const spec = sampleSpec();
    const message = problemsOf(() => parseDeploymentSpec({ ...spec, slipway: { ...spec.slipway, source: 'tarball' } }));
    expect(message).toContain('slipway.tarball: is required exactly when source is tarball');
    expect(sampleSpec({ slipwayTarball: 'slipway-0.1.0.tgz' }).slipway).toEqual({
      version: '0.1.0',
      source: 'tarball',
      tarball: 'slipway-0.1.0.tgz',
    });
  });

  it('refuses a model URI with control characters (it lands in Dockerfile labels and annotations)', () => {
    expect(problemsOf(() => sampleSpec({}, { uri: 'models:/wine/3\nRUN evil' }))).toContain('model.uri');
    expect(SAMPLE_MODEL.uri).toBe('models:/wine/3');
  });
});
