import type { Migration } from 'kysely';
import type { MigrationDialect } from '../sql-dialect.js';
import { migration0001Events } from './0001-events.js';
import { migration0002Tracking } from './0002-tracking.js';
import { migration0003Artifacts } from './0003-artifacts.js';
import { migration0004SearchIndexes } from './0004-search-indexes.js';
import { migration0005Registry } from './0005-registry.js';
import { migration0006Webhooks } from './0006-webhooks.js';
import { migration0007RunSearchCovering } from './0007-run-search-covering.js';
import { migration0008Predictions } from './0008-predictions.js';
import { migration0009Deployments } from './0009-deployments.js';

/**
 * Every migration, listed statically (no file-system scanning, so bundling and `dist/` just work). Names sort
 * in the order they run; add a new one at the end and never rename or edit a released one.
 */
export function listMigrations(dialect: MigrationDialect): Record<string, Migration> {
  return {
    '0001-events': migration0001Events(dialect),
    '0002-tracking': migration0002Tracking(dialect),
    '0003-artifacts': migration0003Artifacts(dialect),
    '0004-search-indexes': migration0004SearchIndexes(dialect),
    '0005-registry': migration0005Registry(dialect),
    '0006-webhooks': migration0006Webhooks(dialect),
    '0007-run-search-covering': migration0007RunSearchCovering(dialect),
    '0008-predictions': migration0008Predictions(dialect),
    '0009-deployments': migration0009Deployments(),
  };
}
