import { z } from 'zod';

/**
 * Slipway's simple prediction API: `POST /predict` with rows (positional lists in signature order, or records
 * by column name) answers one prediction per row; `POST /feedback` records late ground truth for a request id.
 */
export const predictRequestSchema = z.strictObject({
  inputs: z
    .array(z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]), {
      error: 'inputs must be a list of rows: lists of values, or objects by column name',
    })
    .min(1, { error: 'inputs must hold at least one row' }),
});

export type PredictRequest = z.infer<typeof predictRequestSchema>;

/**
 * One prediction per row: the value of a single-output model, or `{output: value}` for a model with several
 * outputs (a classifier's `label` and `probabilities`).
 */
export const predictResponseSchema = z.object({ predictions: z.array(z.unknown()) });

export type PredictResponse = z.infer<typeof predictResponseSchema>;

/** Request ids: Slipway's UUIDs, or the caller's X-Request-Id if it is this safe. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const feedbackRequestSchema = z.strictObject({
  request_id: z.string().regex(REQUEST_ID_PATTERN, { error: 'request_id must be 1–128 of A-Z a-z 0-9 . _ : -' }),
  /** The ground truth: a class, a number, a string or a small JSON value. */
  label: z.union([
    z.number(),
    z.string().max(4096),
    z.boolean(),
    z.array(z.unknown()).max(4096),
    z.record(z.string(), z.unknown()),
  ]),
});

export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

export const feedbackResponseSchema = z.object({ request_id: z.string(), recorded: z.literal(true) });
