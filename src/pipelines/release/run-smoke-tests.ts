import { parseScoringRequest } from '../../models/scoring/parse-scoring-request.js';
import type { ModelSignature } from '../../models/signature/model-signature.js';
import { checkAnswerSchema, type Difference, firstDifference } from './compare-answer.js';
import type { SmokeTestConfig } from './release-config.js';
import { DEFAULT_SMOKE_TOLERANCE } from './release-schema.js';

export const DEFAULT_SMOKE_LIMITS = {
  /** For one test: sending the request and reading the whole answer. */
  timeoutMs: 10_000,
  /** The largest answer read; a longer one fails the test. */
  maxResponseBytes: 4 * 1024 * 1024,
} as const;

export interface RunSmokeTestsInput {
  /** The deployment's base URL (`http://127.0.0.1:5101`): tests POST to <url>/invocations. */
  readonly url: string;
  readonly tests: readonly SmokeTestConfig[];
  /** The released model's signature, for `schema: true` tests. */
  readonly signature?: ModelSignature | undefined;
  /** Extra request headers (an auth token, a header that pins a version). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxResponseBytes?: number | undefined;
}

export interface SmokeTestResult {
  /** The test's position in the environment's `smoke` list, from 0. */
  readonly index: number;
  readonly passed: boolean;
  /** The HTTP status, when an answer came. */
  readonly status?: number | undefined;
  /** Where the answer first differed (a JSON path such as `answer.predictions[0].label`). */
  readonly path?: string | undefined;
  /** `smoke[0] passed: …` or what went wrong. */
  readonly message: string;
}

export interface SmokeReport {
  readonly passed: boolean;
  readonly results: readonly SmokeTestResult[];
}

/**
 * Runs an environment's smoke tests one after the other against a serving endpoint: each POSTs its `inputs` to
 * <url>/invocations and passes when the answer is 200 with a JSON body that matches `expect` (see
 * firstDifference) and, with `schema: true`, the signature's outputs (see checkAnswerSchema). Each request is
 * bounded in time and answer size and follows no redirect. Failures are results, never thrown.
 */
export async function runSmokeTests(input: RunSmokeTestsInput): Promise<SmokeReport> {
  const results: SmokeTestResult[] = [];
  for (const [index, test] of input.tests.entries()) results.push(await runSmokeTest(input, test, index));
  return { passed: results.every((result) => result.passed), results };
}

async function runSmokeTest(input: RunSmokeTestsInput, test: SmokeTestConfig, index: number): Promise<SmokeTestResult> {
  const name = `smoke[${index}]`;
  const answer = await post(input, test.inputs);
  if ('error' in answer) return { index, passed: false, message: `${name} failed: ${answer.error}` };
  const { status } = answer;
  const fail = (what: string, difference?: Difference): SmokeTestResult => ({
    index,
    passed: false,
    status,
    ...(difference === undefined ? {} : { path: difference.path }),
    message: `${name} failed: ${difference === undefined ? what : `${difference.path} ${difference.what}`}`,
  });
  if (status !== 200) return fail(`HTTP ${status}: ${answer.text.slice(0, 300)}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return fail(`the answer is not JSON: ${answer.text.slice(0, 100)}`);
  }
  if (test.expect !== undefined) {
    const difference = firstDifference(body, test.expect, test.tolerance ?? DEFAULT_SMOKE_TOLERANCE);
    if (difference !== undefined) return fail('', difference);
  }
  if (test.schema === true) {
    const outputs = input.signature?.outputs;
    if (outputs === undefined) return fail('schema: true, but the model signature declares no outputs to check');
    const difference = checkAnswerSchema(body, parseScoringRequest(test.inputs).payload, outputs);
    if (difference !== undefined) return fail('', difference);
  }
  return { index, passed: true, status, message: `${name} passed: ${checked(test)}` };
}

function checked(test: SmokeTestConfig): string {
  const parts = [
    ...(test.expect === undefined ? [] : ['the answer matches expect']),
    ...(test.schema === true ? ['it fits the signature'] : []),
  ];
  return parts.length === 0 ? 'HTTP 200 with a JSON answer' : parts.join(' and ');
}

type Answer = { readonly status: number; readonly text: string } | { readonly error: string };

async function post(input: RunSmokeTestsInput, body: unknown): Promise<Answer> {
  const url = `${input.url.replace(/\/+$/, '')}/invocations`;
  const timeoutMs = input.timeoutMs ?? DEFAULT_SMOKE_LIMITS.timeoutMs;
  const limit = input.maxResponseBytes ?? DEFAULT_SMOKE_LIMITS.maxResponseBytes;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...input.headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readLimited(response, limit);
    if (text === undefined) return { error: `the answer from ${url} is larger than ${limit} bytes` };
    return { status: response.status, text };
  } catch (error) {
    return { error: `no answer from ${url}: ${reason(error, timeoutMs)}` };
  }
}

/** The body as text, or undefined past `limit` bytes (the rest is not read). */
async function readLimited(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (declared > limit) return undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks).toString('utf8');
      size += value.byteLength;
      if (size > limit) return undefined;
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function reason(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  const message = error instanceof Error ? error.message : String(error);
  return detail === '' ? message : `${message} (${detail})`;
}
