import type { Generated } from 'kysely';
import type { PredictionBatch, PredictionBatchResponse } from '../../contract/inference/predictions-api.js';
import type { MetadataStore } from '../../storage/metadata/open-metadata.js';

/**
 * The tables of migration 0008-predictions, typed here (the serving area owns them; the metadata `Database` type
 * gains them with `db.withTables<PredictionTables>()`). TODO(merge): add them to storage/metadata/schema.ts.
 */
export type PredictionTables = {
  predictions: {
    id: Generated<number>;
    request_id: string;
    /** Milliseconds since the epoch. */
    time: number;
    model: string;
    version: string;
    /** JSON. */
    inputs: string;
    outputs: string;
    latency_ms: number;
    /** 1 for a shadow version's answer. */
    shadow: number;
  };
  prediction_feedback: {
    id: Generated<number>;
    request_id: string;
    time: number;
    /** JSON. */
    label: string;
  };
};

/** Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 500;

const chunks = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** Stores a batch of prediction-log entries in one transaction (the control plane's `POST /api/v1/predictions`). */
export async function recordPredictions(
  store: Pick<MetadataStore, 'db'>,
  batch: PredictionBatch,
): Promise<PredictionBatchResponse> {
  const db = store.db.withTables<PredictionTables>();
  const predictions = batch.entries.flatMap((e) =>
    e.kind === 'prediction'
      ? [
          {
            request_id: e.request_id,
            time: Date.parse(e.time),
            model: e.model,
            version: e.version,
            inputs: JSON.stringify(e.inputs),
            outputs: JSON.stringify(e.outputs),
            latency_ms: e.latency_ms,
            shadow: e.shadow ? 1 : 0,
          },
        ]
      : [],
  );
  const feedback = batch.entries.flatMap((e) =>
    e.kind === 'feedback'
      ? [{ request_id: e.request_id, time: Date.parse(e.time), label: JSON.stringify(e.label) }]
      : [],
  );
  await db.transaction().execute(async (tx) => {
    for (const rows of chunks(predictions)) await tx.insertInto('predictions').values(rows).execute();
    for (const rows of chunks(feedback)) await tx.insertInto('prediction_feedback').values(rows).execute();
  });
  return { predictions: predictions.length, feedback: feedback.length };
}
