import { z } from 'zod';
import { invalidParameter } from '../domain/errors.js';

/** The format version of a deployment spec (written into every spec). */
export const DEPLOYMENT_SPEC_SCHEMA_VERSION = 1;

/**
 * The Node.js base image of generated model images, pinned by digest: a rebuild gets the same bytes, and a moved
 * or poisoned `node:20-bookworm-slim` tag cannot change what ships. Override with `--base-image`.
 * To update: `docker buildx imagetools inspect node:20-bookworm-slim` (or `docker pull node:20-bookworm-slim` and
 * `docker inspect --format '{{index .RepoDigests 0}}' node:20-bookworm-slim`), paste the manifest-list digest here,
 * then build and smoke-test an image (`slipway build docker … --build`) before committing.
 */
export const DEFAULT_NODE_BASE_IMAGE =
  'node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0';

/** The port `slipway serve` listens on by default. */
export const DEFAULT_SERVE_PORT = 5000;

/** The fixed UID and GID of the unprivileged user the model server runs as (outside the usual host ranges). */
export const SERVER_UID = 10001;

/** A Kubernetes-compatible name (RFC 1123 label): lowercase alphanumerics and `-`, at most 63 characters. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Kubernetes label value: at most 63 characters of alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const CPU_QUANTITY = /^(\d+(\.\d+)?|\d+m)$/;
const MEMORY_QUANTITY = /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
/** An image repository: optional registry host[:port], then lowercase path components. */
const IMAGE_NAME = /^([a-z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const IMAGE_TAG = /^\w[\w.-]{0,127}$/;
const PINNED_IMAGE = /^[a-z0-9][a-z0-9./:_-]*@sha256:[0-9a-f]{64}$/;
const TARBALL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.tgz$/;

const dnsLabel = (what: string) =>
  z
    .string()
    .max(63, `${what} is longer than 63 characters`)
    .regex(DNS_LABEL, `${what} must be lowercase letters, digits and '-', starting and ending alphanumeric`);

const quantity = (pattern: RegExp, example: string) =>
  z.string().regex(pattern, `not a Kubernetes quantity (for example ${example})`);

const resourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: quantity(CPU_QUANTITY, '250m or 1'), memory: quantity(MEMORY_QUANTITY, '512Mi') }),
  limits: z.strictObject({ cpu: quantity(CPU_QUANTITY, '1').optional(), memory: quantity(MEMORY_QUANTITY, '1Gi') }),
});

export const deploymentSpecSchema = z
  .strictObject({
    schema: z.literal(DEPLOYMENT_SPEC_SCHEMA_VERSION),
    model: z.strictObject({
      name: dnsLabel('the model name (as a Kubernetes name)')
        .max(40, 'the model name is longer than 40 characters')
        .regex(/^[a-z]/, 'the model name must start with a letter (Kubernetes Service names do)'),
      version: z.string().max(63).regex(LABEL_VALUE, 'the version must be a label value (letters, digits, -_.)'),
      semver: z.string().regex(SEMVER, 'not a semantic version (MAJOR.MINOR.PATCH)'),
      digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256:<64 hex> digest of the model tree'),
      uri: z
        .string()
        .min(1)
        .max(1000)
        .regex(/^\P{Cc}+$/u, 'must not contain control characters'),
    }),
    environment: dnsLabel('the environment name').max(20, 'the environment name is longer than 20 characters'),
    namespace: dnsLabel('the namespace').optional(),
    port: z.int().min(1024, 'use an unprivileged port (1024-65535)').max(65535),
    replicas: z.int().min(1).max(1000),
    maxReplicas: z.int().min(1).max(1000),
    resources: resourcesSchema,
    image: z.strictObject({
      name: z.string().max(200).regex(IMAGE_NAME, 'not an image repository name (lowercase, like registry/team/name)'),
      tag: z.string().regex(IMAGE_TAG, 'not an image tag (letters, digits, _.-, at most 128)'),
      /** The pushed image's registry digest, when known: Kubernetes then pulls exactly that image. */
      digest: z
        .string()
        .regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256:<64 hex> image digest')
        .optional(),
    }),
    baseImage: z.string().regex(PINNED_IMAGE, 'the base image must be pinned by digest (name:tag@sha256:<64 hex>)'),
    slipway: z.strictObject({
      version: z.string().regex(SEMVER, 'not an exact Slipway version'),
      /** `registry`: install the pinned version from the npm registry; `tarball`: a packed package in the context. */
      source: z.enum(['registry', 'tarball']),
      tarball: z.string().regex(TARBALL_NAME, 'a file name ending in .tgz').optional(),
    }),
    serving: z.strictObject({
      batching: z.boolean(),
      /**
       * Follow a deployment instead of serving the baked-in model: the pods run `slipway serve --deployment
       * <model>/<environment>` against the tracking server (its URI from the Secret `trackingSecret`, key `uri`),
       * so the release flow's canary steps and rollbacks apply in place, by hot swap.
       */
      follow: z
        .strictObject({
          model: z
            .string()
            .min(1)
            .max(256)
            .regex(/^\P{Cc}+$/u, 'must not contain control characters'),
          environment: z.string().regex(/^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$/, 'not an environment name'),
          trackingSecret: dnsLabel('the tracking Secret name'),
        })
        .optional(),
    }),
  })
  .superRefine((spec, ctx) => {
    if (spec.maxReplicas < spec.replicas) {
      ctx.addIssue({ code: 'custom', path: ['maxReplicas'], message: 'must be at least replicas' });
    }
    if ((spec.slipway.source === 'tarball') !== (spec.slipway.tarball !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['slipway', 'tarball'],
        message: 'is required exactly when source is tarball',
      });
    }
  });

/** Everything a target generator needs, validated: pure data, no I/O. */
export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;

/** Validates a spec, naming every problem (`model.name: …`) in one error. */
export function parseDeploymentSpec(value: unknown): DeploymentSpec {
  const result = deploymentSpecSchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const where = issue.path.length === 0 ? '(spec)' : issue.path.map(String).join('.');
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return `  - ${where}: ${issue.message}${keys}`;
  });
  const count = `${lines.length} problem${lines.length === 1 ? '' : 's'}`;
  throw invalidParameter(`Invalid deployment (${count}):\n${lines.join('\n')}`, {
    hint: 'Fix the options named above (`slipway build docker --help` lists them).',
  });
}

/** The part of the model digest used in paths and names: its 64 hex characters. */
export const modelHex = (spec: DeploymentSpec): string => spec.model.digest.slice('sha256:'.length);

/** Where the model lives inside the image: `/models/<hex>`. */
export const modelPathInImage = (spec: DeploymentSpec): string => `/models/${modelHex(spec)}`;

/** The image reference to build: `name:tag`. */
export const imageReference = (spec: DeploymentSpec): string => `${spec.image.name}:${spec.image.tag}`;

/** The image reference to run: `name:tag@sha256:…` when the pushed image's digest is known (the digest wins). */
export const pinnedImageReference = (spec: DeploymentSpec): string =>
  spec.image.digest === undefined ? imageReference(spec) : `${imageReference(spec)}@${spec.image.digest}`;

/** The Secret (key `uri`) that holds the tracking URI of pods following a deployment, by default. */
export const DEFAULT_TRACKING_SECRET = 'slipway-tracking';

/** The Kubernetes object name: `<model>-<environment>`. */
export const workloadName = (spec: DeploymentSpec): string => `${spec.model.name}-${spec.environment}`;
