import { checkAliasName, parseModelName } from '../domain/model-name.js';
import type { AuditEvent } from '../storage/metadata/events.js';
import { type EventCursor, selectAliasStateEvents } from '../storage/metadata/registry/model-events.js';
import { toAuditEvent } from './list-model-history.js';
import type { RegistryDeps } from './types.js';

export interface AliasAtTime {
  readonly name: string;
  readonly alias: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** The version it pointed to then (MLflow's decimal string), or null when it pointed nowhere. */
  readonly version: string | null;
  /** The event that put it there (or removed it); absent when nothing ever did before `at`. */
  readonly event?: AuditEvent | undefined;
}

const SCAN = 500;

/** Whether an event decides the alias's state: a move or removal of it, or the model's creation or deletion. */
function decides(event: AuditEvent, alias: string): boolean {
  return event.kind.startsWith('registered_model.') || event.payload.alias === alias;
}

/**
 * Which version an alias pointed to at a point in time, answered from the audit trail: the newest event at or
 * before `at` that set it, removed it, or created or deleted the model.
 */
export async function getAliasAt(
  deps: Pick<RegistryDeps, 'metadata'>,
  input: { readonly name: string; readonly alias: string; readonly at: number },
): Promise<AliasAtTime> {
  const name = parseModelName(input.name).name;
  checkAliasName(input.alias);
  const base = { name, alias: input.alias, at: input.at };
  let cursor: EventCursor | undefined;
  for (;;) {
    const rows = await selectAliasStateEvents(deps.metadata.db, name, input.at, cursor, SCAN);
    const event = rows.map(toAuditEvent).find((candidate) => decides(candidate, input.alias));
    if (event !== undefined)
      return { ...base, version: event.kind === 'alias.set' ? String(event.payload.after) : null, event };
    const last = rows.at(-1);
    if (last === undefined || rows.length < SCAN) return { ...base, version: null };
    cursor = { time: Number(last.time), id: Number(last.id) };
  }
}
