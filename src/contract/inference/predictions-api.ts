import { z } from 'zod';
import { REQUEST_ID_PATTERN } from './predict.js';

/**
 * The control plane's prediction-log API: `POST /api/v1/predictions` with a batch of entries, as `slipway serve`
 * buffers them (predictions, and feedback joined to them by request id).
 */
export const PREDICTIONS_API_LIMITS = { maxEntries: 10_000, maxNameLength: 256 } as const;

const requestId = z.string().regex(REQUEST_ID_PATTERN);
const name = z.string().min(1).max(PREDICTIONS_API_LIMITS.maxNameLength);
const time = z.iso.datetime({ offset: true });

export const predictionEntrySchema = z.object({
  kind: z.literal('prediction'),
  request_id: requestId,
  time,
  model: name,
  version: name,
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()),
  latency_ms: z.number().nonnegative(),
  shadow: z.boolean(),
});

export const feedbackEntrySchema = z.object({
  kind: z.literal('feedback'),
  request_id: requestId,
  time,
  label: z.unknown().refine((label) => label !== undefined, { message: 'label is required' }),
});

export const predictionBatchSchema = z.object({
  entries: z
    .array(z.discriminatedUnion('kind', [predictionEntrySchema, feedbackEntrySchema]))
    .min(1)
    .max(PREDICTIONS_API_LIMITS.maxEntries),
});

export type PredictionBatch = z.infer<typeof predictionBatchSchema>;

export const predictionBatchResponseSchema = z.object({ predictions: z.number().int(), feedback: z.number().int() });
export type PredictionBatchResponse = z.infer<typeof predictionBatchResponseSchema>;
