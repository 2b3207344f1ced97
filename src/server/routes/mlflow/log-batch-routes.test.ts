import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logBatchRequestSchema } from '../../../contract/mlflow/logging.js';
import { parseLogBatch, plainMetrics } from './log-batch-routes.js';
import { parseBody } from './parse-request.js';

/** What zod makes of a body, or its error message. */
function viaSchema(body: unknown) {
  try {
    const parsed = parseBody(logBatchRequestSchema, body);
    return { runId: parsed.run_id ?? '', metrics: parsed.metrics, params: parsed.params, tags: parsed.tags };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function viaRoute(body: unknown) {
  try {
    return parseLogBatch(body);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const anyField = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constantFrom('NaN', 'Infinity', '12', null, undefined, true, Number.MAX_SAFE_INTEGER + 2),
);
const entry = fc.record(
  { key: fc.oneof(fc.string(), anyField), value: anyField, timestamp: anyField, step: anyField, extra: anyField },
  { requiredKeys: [] },
);
const plainEntry = fc.record(
  {
    key: fc.string(),
    value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    timestamp: fc.maxSafeInteger(),
    step: fc.maxSafeInteger(),
  },
  { requiredKeys: ['key', 'value', 'timestamp'] },
);

describe('log-batch fast path', () => {
  it('parses every body exactly as the schema does (same result, same error)', () => {
    fc.assert(
      fc.property(
        fc.record({
          run_id: fc.string(),
          metrics: fc.array(fc.oneof(entry, plainEntry, plainEntry), { maxLength: 5 }),
          params: fc.constant([]),
        }),
        (body) => {
          expect(viaRoute(body)).toEqual(viaSchema(body));
        },
      ),
    );
  });

  it('reports bad params after plain metrics as the schema does', () => {
    const body = { run_id: 'r', metrics: [{ key: 'a', value: 1, timestamp: 1 }], params: [{ key: 3 }] };
    expect(viaRoute(body)).toEqual(viaSchema(body));
    expect(viaRoute(body)).toHaveProperty('error', expect.stringContaining("'params[0].key'"));
  });

  it('takes plain entries without the schema, defaulting step to 0', () => {
    const metrics = [
      { key: 'loss', value: 0.5, timestamp: 1, step: 3 },
      { key: 'acc', value: -1e300, timestamp: 2 },
    ];
    expect(plainMetrics(metrics)).toEqual([
      { key: 'loss', value: 0.5, timestamp: 1, step: 3 },
      { key: 'acc', value: -1e300, timestamp: 2, step: 0 },
    ]);
    expect(plainMetrics([{ key: 'x', value: 'NaN', timestamp: 1 }])).toBeUndefined();
    expect(plainMetrics({ length: 1 })).toBeUndefined();
  });

  it('leaves non-object bodies to the schema', () => {
    for (const body of [[], 'text', 42, null]) expect(viaRoute(body)).toEqual(viaSchema(body));
  });
});
