import { InvalidArgumentError } from 'commander';
import { checkEnvironmentName } from '../../deploy/deployments/deployment-types.js';
import { invalidParameter, isSlipwayError } from '../../domain/errors.js';

export interface DeploymentRef {
  readonly model: string;
  readonly environment: string;
}

/** `--deployment <model>/<environment>`: the environment is the last segment (a DNS label). */
export function parseDeploymentRef(value: string): DeploymentRef {
  const at = value.lastIndexOf('/');
  const model = value.slice(0, at);
  const environment = value.slice(at + 1);
  if (at <= 0 || model.length > 256)
    throw new InvalidArgumentError('must be <model>/<environment>, e.g. wine/production.');
  try {
    checkEnvironmentName(environment);
  } catch (error) {
    throw new InvalidArgumentError(isSlipwayError(error) ? error.message : String(error));
  }
  return { model, environment };
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/** `--poll-interval`: `500ms`, `1s`, `2m` (a bare number is seconds), from 50 ms to 10 minutes. */
export function parsePollInterval(value: string): number {
  const match = /^(\d{1,7}(?:\.\d{1,3})?)(ms|s|m)?$/.exec(value.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] ?? 's'] ?? Number.NaN);
  if (!(ms >= 50 && ms <= 600_000)) throw new InvalidArgumentError('must be a duration from 50ms to 10m, e.g. 1s.');
  return Math.round(ms);
}

/** Flags that make no sense when the deployment's traffic policy decides what is served. */
const MODEL_ONLY_FLAGS = ['name', 'modelVersion', 'stickyHeader'] as const;

/** Exactly one of a model URI and `--deployment`; a deployment's policy is not mixed with per-model flags. */
export function checkServeTarget(
  model: string | undefined,
  flags: { readonly deployment?: DeploymentRef; readonly canary: unknown[]; readonly shadow: unknown[] } & Partial<
    Record<(typeof MODEL_ONLY_FLAGS)[number], unknown>
  >,
): void {
  if (model !== undefined && flags.deployment !== undefined) {
    throw invalidParameter('Give either a model to serve or --deployment, not both.', {
      hint: 'slipway serve models:/wine@production, or slipway serve --deployment wine/production.',
    });
  }
  if (model === undefined && flags.deployment === undefined) {
    throw invalidParameter('Nothing to serve: give a model URI or folder, or --deployment <model>/<environment>.', {
      hint: 'slipway serve models:/wine@production, or slipway serve --deployment wine/production.',
    });
  }
  const mixed = MODEL_ONLY_FLAGS.filter((flag) => flags[flag] !== undefined);
  if (flags.deployment !== undefined && (mixed.length > 0 || flags.canary.length > 0 || flags.shadow.length > 0)) {
    throw invalidParameter('--deployment takes its versions and traffic policy from the deployment.', {
      hint: 'Leave out --canary, --shadow, --sticky-header, --name and --model-version; change the deployment instead.',
    });
  }
}
