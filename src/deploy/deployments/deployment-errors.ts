import { notFound, SlipwayError } from '../../domain/errors.js';

/** The errors every DeploymentsClient adapter reports the same way. */
export const staleRevision = (model: string, environment: string, at: number, expected: number): SlipwayError =>
  new SlipwayError(
    'RESOURCE_CONFLICT',
    `The deployment ${model}/${environment} is at revision ${at}, not ${expected}: someone changed it meanwhile.`,
    { hint: 'Read it again (slipway deployments list), then retry the change against the new revision.' },
  );

export const notDeployed = (model: string, environment: string): SlipwayError =>
  notFound(`${model} is not deployed to ${environment}.`, {
    hint: 'The first deploy of a model to an environment needs a target (for a local one, a port).',
  });

export const releaseNotFound = (id: string): SlipwayError =>
  notFound(`Release '${id}' not found.`, { hint: 'List releases with GET /api/v1/releases.' });
