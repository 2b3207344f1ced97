import { invalidParameter } from '../domain/errors.js';
import { parseModelName } from '../domain/model-name.js';
import type { AuditEvent } from '../storage/metadata/events.js';
import { parsePayload } from '../storage/metadata/json-payload.js';
import { selectModelEvents } from '../storage/metadata/registry/model-events.js';
import type { EventRow } from '../storage/metadata/schema.js';
import { pageSize, REGISTRY_LIMITS } from './limits.js';
import { readRegistryToken, registryToken, tokenNumber } from './search/registry-page-token.js';
import type { Page, RegistryDeps } from './types.js';

export interface ListModelHistoryInput {
  readonly name: string;
  /** 1 to 1000; default 100. */
  readonly maxResults?: number | undefined;
  readonly pageToken?: string | undefined;
}

export const toAuditEvent = (row: EventRow): AuditEvent => ({
  id: Number(row.id),
  time: Number(row.time),
  actor: row.actor,
  kind: row.kind,
  subject: row.subject,
  payload: parsePayload(row.payload, `event ${row.id}`),
});

/**
 * The audit trail of a model, newest first: every event about `models/<name>` and its versions, with time,
 * actor, kind and payload (before/after). The model need not exist any more (deleted models keep their history);
 * events from before a rename are under the old name.
 */
export async function listModelHistory(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: ListModelHistoryInput,
): Promise<Page<AuditEvent>> {
  const name = parseModelName(input.name).name;
  const limit = pageSize(input.maxResults, REGISTRY_LIMITS.historyPage, REGISTRY_LIMITS.maxHistoryPage);
  const db = deps.metadata.db;
  const token = await readRegistryToken(db, 'model-history', input.pageToken, name);
  const cursor = token === undefined ? undefined : { time: tokenNumber(token, 't'), id: tokenNumber(token, 'i') };
  const rows = await selectModelEvents(db, name, cursor, limit + 1);
  const items = rows.slice(0, limit).map(toAuditEvent);
  const last = items.at(-1);
  if (rows.length <= limit || last === undefined) return { items };
  return { items, nextPageToken: await registryToken(db, 'model-history', name, { t: last.time, i: last.id }) };
}

/** A point in time: milliseconds since the epoch, or an ISO 8601 date-time (with a zone, or UTC). */
export function parsePointInTime(text: string, field = 'at'): number {
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms) || ms < 0 || text.length > 64) {
    throw invalidParameter(`Invalid '${field}': '${text.slice(0, 64)}' is neither milliseconds nor an ISO time.`, {
      hint: 'Use e.g. 2024-05-14T14:02:00Z or 1715695320000.',
    });
  }
  return ms;
}
