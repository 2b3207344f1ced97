import { SlipwayError } from '../../domain/errors.js';
import type { Deployment } from '../deployments/deployment-types.js';
import { localEndpoint } from './local-endpoint.js';
import type { ChildCommand } from './supervisor-types.js';

/**
 * `serve --deployment=<model>/<environment> --host=<host> --port=<port> --tracking-uri=<uri>`: the arguments of the
 * serving process that follows a deployment (it applies new revisions itself, by hot swap). Every value is glued to
 * its flag, so none can be read as another option.
 */
export function serveArguments(deployment: Deployment, trackingUri: string): string[] {
  const { host, port } = localEndpoint(deployment);
  return [
    'serve',
    `--deployment=${deployment.model}/${deployment.environment}`,
    `--host=${host}`,
    `--port=${port}`,
    `--tracking-uri=${trackingUri}`,
  ];
}

/** Debugger flags would make every child fight for the parent's inspector port. */
const INHERITABLE = (flag: string): boolean => !/^--(inspect|debug)/.test(flag);

/**
 * This Slipway CLI again: the same Node binary and Node flags (so `node --import tsx` in development and tests
 * works), the same entry script, then the serve arguments. The child inherits the environment.
 */
export function defaultChildCommand(deployment: Deployment, trackingUri: string): ChildCommand {
  const script = process.argv[1];
  if (script === undefined) {
    throw new SlipwayError('INTERNAL_ERROR', 'Cannot tell which script started Slipway, to start `slipway serve`.', {
      hint: 'Run the supervisor from the slipway command.',
    });
  }
  return {
    program: process.execPath,
    args: [...process.execArgv.filter(INHERITABLE), script, ...serveArguments(deployment, trackingUri)],
    env: { ...process.env },
  };
}
