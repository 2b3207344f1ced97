import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Container } from 'kubernetes-models/v1/Container';
import { PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import { Service } from 'kubernetes-models/v1/Service';
import { Volume } from 'kubernetes-models/v1/Volume';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sampleSpec } from '../testing/sample-spec.js';
import { generateKubernetesManifests, kubernetesManifests } from './generate-kubernetes-manifests.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked freely by the assertions.
type Obj = Record<string, any>;

const VALIDATORS: Record<string, (value: Obj) => { validate(): void }> = {
  Deployment: (value) => new Deployment(value as never),
  Service: (value) => new Service(value as never),
  HorizontalPodAutoscaler: (value) => new HorizontalPodAutoscaler(value as never),
  PodDisruptionBudget: (value) => new PodDisruptionBudget(value as never),
};

const parsedFiles = (options = {}, spec = sampleSpec({ namespace: 'ml' })) =>
  generateKubernetesManifests(spec, options).map((file) => ({
    path: file.path,
    content: file.content,
    object: parse(file.content) as Obj,
  }));

const kserveSchema = async () =>
  JSON.parse(await readFile(new URL('./fixtures/inferenceservice-v1beta1.schema.json', import.meta.url), 'utf8'));

describe('Kubernetes manifests', () => {
  it('match the golden files', async () => {
    for (const file of parsedFiles()) await expect(file.content).toMatchFileSnapshot(`./fixtures/${file.path}.golden`);
    const [kserve] = parsedFiles({ kserve: true });
    await expect(kserve?.content).toMatchFileSnapshot('./fixtures/inferenceservice.yaml.golden');
  });

  it('validate against the Kubernetes OpenAPI schemas (kubernetes-models)', () => {
    const files = parsedFiles();
    expect(files.map((f) => f.object.kind)).toEqual([
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
    ]);
    for (const { object } of files) expect(() => VALIDATORS[object.kind]?.(object).validate()).not.toThrow();
  });

  it('the validation can fail: a malformed Deployment is refused', () => {
    const [deployment] = parsedFiles();
    const broken = structuredClone(deployment?.object as Obj);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'five thousand';
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
  });

  it('run non-root with a locked-down security context, model and image pinned by digest', () => {
    const deployment = parsedFiles()[0]?.object as Obj;
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(deployment.metadata.annotations['slipway.dev/model-digest']).toBe(digest);
    expect(pod.containers[0].args).toContain(`/models/${'ab'.repeat(32)}`);
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      expect(container[probe].httpGet).toEqual({ path: '/health', port: 5000, scheme: 'HTTP' });
    }
    expect(deployment.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    const imageDigest = `sha256:${'cd'.repeat(32)}`;
    const pinned = kubernetesManifests(sampleSpec({ imageDigest }))['deployment.yaml'] as Obj;
    expect(pinned.spec.template.spec.containers[0].image).toBe(`slipway-wine:3-abababababab@${imageDigest}`);
  });

  it('label every object alike, and select pods by the stable subset of those labels', () => {
    const files = parsedFiles().map((f) => f.object);
    const labels = files.map((o) => o.metadata.labels);
    for (const l of labels) expect(l).toEqual(labels[0]);
    expect(labels[0]).toMatchObject({
      'app.kubernetes.io/name': 'wine',
      'app.kubernetes.io/instance': 'wine-production',
      'app.kubernetes.io/managed-by': 'slipway',
    });
    const [deployment, service, hpa, pdb] = files as [Obj, Obj, Obj, Obj];
    const podLabels = deployment.spec.template.metadata.labels;
    for (const selector of [
      deployment.spec.selector.matchLabels,
      service.spec.selector,
      pdb.spec.selector.matchLabels,
    ]) {
      for (const [key, value] of Object.entries(selector)) expect(podLabels[key]).toBe(value);
    }
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 4,
      scaleTargetRef: { kind: 'Deployment', name: 'wine-production' },
    });
    expect(files.every((o) => o.metadata.namespace === 'ml')).toBe(true);
  });

  it('the KServe InferenceService validates against the vendored CRD schema, its pod parts against Kubernetes', async () => {
    const [file] = parsedFiles({ kserve: true });
    const isvc = file?.object as Obj;
    const validate = new Ajv({ allErrors: true }).compile(await kserveSchema());
    expect(validate(isvc), JSON.stringify(validate.errors)).toBe(true);
    const predictor = isvc.spec.predictor;
    expect(() => new Container(predictor.containers[0]).validate()).not.toThrow();
    expect(() => new PodSecurityContext(predictor.securityContext).validate()).not.toThrow();
    for (const volume of predictor.volumes) expect(() => new Volume(volume).validate()).not.toThrow();
    expect(predictor.containers[0].securityContext.runAsNonRoot).toBe(true);
    expect(isvc.metadata.annotations['slipway.dev/model-digest']).toBe(`sha256:${'ab'.repeat(32)}`);
    const typo = { ...isvc, spec: { predictor: { ...predictor, minReplica: 1 } } };
    expect(validate(typo)).toBe(false);
  });

  it('following a deployment: serve --deployment with the tracking URI from a Secret, a model cache, still valid', () => {
    const spec = sampleSpec({ namespace: 'ml', environment: 'staging', follow: { model: 'wine' } });
    const files = parsedFiles({}, spec);
    for (const { object } of files) expect(() => VALIDATORS[object.kind]?.(object).validate()).not.toThrow();
    const pod = files[0]?.object.spec.template.spec;
    const container = pod.containers[0];
    expect(container.args).toEqual([
      'serve',
      '--deployment=wine/staging',
      '--host',
      '0.0.0.0',
      '--port',
      '5000',
      '--tracking-uri=$(SLIPWAY_TRACKING_URI)',
    ]);
    expect(container.env).toEqual([
      { name: 'SLIPWAY_TRACKING_URI', valueFrom: { secretKeyRef: { name: 'slipway-tracking', key: 'uri' } } },
      { name: 'SLIPWAY_HOME', value: '/var/lib/slipway' },
    ]);
    expect(pod.volumes.map((v: Obj) => v.name)).toEqual(['tmp', 'models']);
    expect(container.volumeMounts.map((m: Obj) => m.mountPath)).toEqual(['/tmp', '/var/lib/slipway']);
    const [kserve] = parsedFiles({ kserve: true }, spec);
    expect(kserve?.object.spec.predictor.containers[0].args).toContain('--deployment=wine/staging');
  });

  it('carry no secrets: no env values, no credentials', () => {
    for (const file of [...parsedFiles(), ...parsedFiles({ kserve: true })]) {
      expect(file.content).not.toMatch(/TOKEN|SECRET|PASSWORD|AWS_|secretKeyRef|env:/);
    }
  });
});
