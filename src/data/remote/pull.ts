import { type CheckoutResult, checkoutWorkspace } from '../checkout.js';
import type { Workspace } from '../workspace/workspace.js';
import { fetchFromRemote } from './fetch.js';
import type { OpenRemote } from './open-remote.js';
import type { TransferCommandInput } from './push.js';
import type { TransferReport } from './transfer-report.js';

export interface PullInput extends TransferCommandInput {
  /** Passed to checkout: overwrite local changes. */
  readonly force?: boolean;
}

export interface PullReport extends TransferReport {
  /** What checkout changed; undefined when it did not run because objects could not be fetched. */
  readonly checkout: CheckoutResult | undefined;
}

/**
 * `slipway pull`: fetch, then checkout of the same targets. When some objects could not be fetched, checkout is
 * not run (it would refuse anyway), and the report says which objects failed.
 */
export async function pullFromRemote(ws: Workspace, remote: OpenRemote, input: PullInput): Promise<PullReport> {
  const fetched = await fetchFromRemote(ws, remote, input);
  if (fetched.failures.length > 0) return { ...fetched, checkout: undefined };
  const checkout = await checkoutWorkspace(ws, {
    cwd: input.cwd,
    ...(input.targets === undefined ? {} : { targets: input.targets }),
    ...(input.force === undefined ? {} : { force: input.force }),
    ...(input.onProgress === undefined ? {} : { onProgress: input.onProgress }),
  });
  return { ...fetched, checkout };
}
