import type { Kysely, Migration } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';

/**
 * The prediction log that `slipway serve` sends in batches (`POST /api/v1/predictions`): one row per logged
 * prediction, and late ground truth in its own table, joined by request id (feedback may arrive before its
 * prediction is flushed, or for a prediction that was not sampled). Inputs, outputs and labels are JSON text.
 */
export function migration0008Predictions(dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('predictions')
        .addColumn('id', dialect.identity.type, dialect.identity.build)
        .addColumn('request_id', 'text', (column) => column.notNull())
        .addColumn('time', 'bigint', (column) => column.notNull())
        .addColumn('model', 'text', (column) => column.notNull())
        .addColumn('version', 'text', (column) => column.notNull())
        .addColumn('inputs', 'text', (column) => column.notNull())
        .addColumn('outputs', 'text', (column) => column.notNull())
        .addColumn('latency_ms', 'double precision', (column) => column.notNull())
        .addColumn('shadow', 'integer', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('predictions_request_idx').on('predictions').column('request_id').execute();
      // "What did version v of model m see between t1 and t2" (monitoring windows).
      await db.schema
        .createIndex('predictions_model_time_idx')
        .on('predictions')
        .columns(['model', 'version', 'time', 'id'])
        .execute();
      await db.schema
        .createTable('prediction_feedback')
        .addColumn('id', dialect.identity.type, dialect.identity.build)
        .addColumn('request_id', 'text', (column) => column.notNull())
        .addColumn('time', 'bigint', (column) => column.notNull())
        .addColumn('label', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('prediction_feedback_request_idx')
        .on('prediction_feedback')
        .column('request_id')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('prediction_feedback').execute();
      await db.schema.dropTable('predictions').execute();
    },
  };
}
