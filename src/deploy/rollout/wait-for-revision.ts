import { z } from 'zod';
import { SlipwayError } from '../../domain/errors.js';
import { getServingText, servingEndpoint } from './get-serving-text.js';

/** What a serving process following a deployment says it serves (`GET /deployment`). */
export interface AppliedDeployment {
  readonly model: string;
  readonly environment: string;
  readonly revision: number;
  readonly policy: { readonly routes: readonly { readonly version: string; readonly weight: number }[] };
  /** When the serving process applied it (ms since the epoch). */
  readonly appliedAt: number;
  /** Why the last revision it tried could not be applied (it keeps serving the one before). */
  readonly lastError?: string | undefined;
}

/** Resolves once the serving process has applied `revision` (or a later one). */
export type WaitForRevision = (revision: number) => Promise<AppliedDeployment>;

export interface ServingRevisionWaiterOptions {
  /** The serving process's base URL (it answers GET <url>/deployment). */
  readonly url: string;
  readonly model: string;
  readonly environment: string;
  /** How long a revision may take to be applied (loading a model included; default 120 s). */
  readonly timeoutMs?: number;
  /** Between two polls (default 100 ms). */
  readonly pollMs?: number;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const appliedSchema = z.object({
  model: z.string(),
  environment: z.string(),
  revision: z.int().min(0),
  policy: z.object({ routes: z.array(z.object({ version: z.string(), weight: z.number() })) }),
  applied_at: z.number().int().min(0),
  last_error: z.string().nullish(),
});

export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits by polling `GET <url>/deployment` (503 until the process is ready) until the serving process reports the
 * revision applied. A process serving another model or environment is refused at once; a timeout names the
 * revision it last reported and its last error.
 */
export function servingRevisionWaiter(options: ServingRevisionWaiterOptions): WaitForRevision {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const endpoint = servingEndpoint(options.url, 'deployment');
  return async (revision) => {
    const deadline = clock() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const poll = await pollOnce(endpoint, options, revision);
      if (poll.done !== undefined) return poll.done;
      if (clock() >= deadline) throw notApplied(endpoint, revision, poll.problem, poll.lastError);
      await sleep(options.pollMs ?? 100);
    }
  };
}

interface Poll {
  readonly done?: AppliedDeployment;
  readonly problem: string;
  readonly lastError?: string | undefined;
}

/** One look at GET /deployment: applied, or why not yet (a wrong deployment answering is an error at once). */
async function pollOnce(endpoint: URL, options: ServingRevisionWaiterOptions, revision: number): Promise<Poll> {
  try {
    const applied = await readApplied(endpoint, options);
    if (applied === undefined) return { problem: 'not ready (503)' };
    if (applied.revision >= revision) return { done: applied, problem: '' };
    return { problem: `at revision ${applied.revision}`, lastError: applied.lastError };
  } catch (error) {
    if (error instanceof SlipwayError && error.code === 'INVALID_STATE') throw error;
    return { problem: (error as Error).message };
  }
}

async function readApplied(endpoint: URL, expected: ServingRevisionWaiterOptions) {
  const { status, text } = await getServingText(endpoint, { maxBytes: 1024 * 1024 });
  if (status === 503) return undefined;
  const parsed = status === 200 ? appliedSchema.safeParse(parseJson(text)) : undefined;
  if (parsed?.success !== true) {
    throw new SlipwayError(
      'INVALID_STATE',
      `${endpoint.toString().slice(0, 300)} answered ${status}, not a deployment.`,
      {
        hint: 'The URL must be a `slipway serve --deployment` process.',
      },
    );
  }
  const { applied_at, last_error, ...rest } = parsed.data;
  if (rest.model !== expected.model || rest.environment !== expected.environment) {
    throw new SlipwayError(
      'INVALID_STATE',
      `${endpoint.origin} serves the deployment ${rest.model.slice(0, 100)}/${rest.environment.slice(0, 30)}, not ${expected.model}/${expected.environment}.`,
      { hint: 'Check the port or url of the environment: another deployment answers there.' },
    );
  }
  return { ...rest, appliedAt: applied_at, lastError: last_error ?? undefined };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function notApplied(endpoint: URL, revision: number, problem: string, lastError: string | undefined): SlipwayError {
  const error = lastError === undefined ? '' : ` Its last error: ${lastError.slice(0, 500)}`;
  return new SlipwayError(
    'DEADLINE_EXCEEDED',
    `The serving process at ${endpoint.origin} did not apply revision ${revision} in time (${problem.slice(0, 300)}).${error}`,
    {
      hint:
        'Is a serving process following this deployment? Local environments are run by `slipway server` (or ' +
        '`slipway supervise`) on the same tracking store; its logs are in <home>/logs. A running process keeps ' +
        'serving the revision it last applied.',
    },
  );
}
