import { z } from 'zod';
import { experimentIdField, int32Field, int64Field, stringField } from './common.js';
import { experimentSchema } from './experiments.js';
import { runSchema } from './runs.js';

/** SearchRuns and SearchExperiments of mlflow/protos/service.proto, snake_case as on the wire. */

export const VIEW_TYPE_NAMES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewTypeName = (typeof VIEW_TYPE_NAMES)[number];

const VIEW_TYPE_NUMBERS: Readonly<Record<string, ViewTypeName>> = { 1: 'ACTIVE_ONLY', 2: 'DELETED_ONLY', 3: 'ALL' };
const VIEW_TYPE_PROBLEM = `expected one of ${VIEW_TYPE_NAMES.join(', ')}`;

function viewTypeOf(value: string | number): ViewTypeName | undefined {
  const text = String(value);
  if ((VIEW_TYPE_NAMES as readonly string[]).includes(text)) return text as ViewTypeName;
  return Object.hasOwn(VIEW_TYPE_NUMBERS, text) ? VIEW_TYPE_NUMBERS[text] : undefined;
}

/** ViewType as protobuf's JSON parser reads an enum: its name, or its number (also as a string, from a query). */
export const viewTypeField = z
  .union([z.string(), z.number()], { error: VIEW_TYPE_PROBLEM })
  .transform((value, context) => {
    const name = viewTypeOf(value);
    if (name !== undefined) return name;
    context.addIssue({ code: 'custom', message: VIEW_TYPE_PROBLEM, input: value });
    return z.NEVER;
  });

/** A repeated string field (order_by): a list, or one string from a query string. */
const stringList = z.array(stringField, { error: 'expected a list of strings' });

export const searchRunsRequestSchema = z.object({
  experiment_ids: z.array(experimentIdField, { error: 'expected a list of experiment ids' }).optional(),
  filter: stringField.optional(),
  run_view_type: viewTypeField.optional(),
  max_results: int32Field.optional(),
  order_by: stringList.optional(),
  page_token: stringField.optional(),
});

/** `runs` is left out when empty, as protobuf JSON leaves out empty repeated fields. */
export const searchRunsResponseSchema = z.object({
  runs: z.array(runSchema).optional(),
  next_page_token: z.string().optional(),
});

export const searchExperimentsRequestSchema = z.object({
  max_results: int64Field.optional(),
  page_token: stringField.optional(),
  filter: stringField.optional(),
  order_by: stringList.optional(),
  view_type: viewTypeField.optional(),
});

export const searchExperimentsResponseSchema = z.object({
  experiments: z.array(experimentSchema).optional(),
  next_page_token: z.string().optional(),
});

export type SearchRunsRequest = z.infer<typeof searchRunsRequestSchema>;
export type SearchRunsResponse = z.infer<typeof searchRunsResponseSchema>;
export type SearchExperimentsRequest = z.infer<typeof searchExperimentsRequestSchema>;
export type SearchExperimentsResponse = z.infer<typeof searchExperimentsResponseSchema>;
