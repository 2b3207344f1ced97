import type { FilterOperator } from './filter-ast.js';

/** What a field holds and which operators a filter may apply to it. */
export interface FieldSpec {
  readonly type: 'string' | 'number';
  readonly ops: readonly FilterOperator[];
  /** May appear in a filter (default true). */
  readonly filterable?: boolean;
  /** May appear in `order_by` (default false). */
  readonly orderable?: boolean;
}

/** An entity (`metrics`, `tags`, `attributes`, …): the prefixes that name it and the keys it has. */
export interface EntitySpec {
  /** Every prefix accepted for it, e.g. `['metric', 'metrics']`. The first is used when printing. */
  readonly prefixes: readonly string[];
  /** A fixed allowlist of keys (attributes, dataset fields). */
  readonly fields?: Readonly<Record<string, FieldSpec>>;
  /** The spec of any key when there is no allowlist (metrics, params, tags: keys are user data). */
  readonly anyKey?: FieldSpec;
  /** Alternative key spellings, mapped to the allowlisted key (`created` → `start_time`). */
  readonly keyAliases?: Readonly<Record<string, string>>;
}

/**
 * A search grammar: the entities a filter may name, and the entity of a bare identifier (`name = 'x'` means
 * `attributes.name`). The runs and experiments grammars live next to this file; the model registry passes its own.
 */
export interface FilterGrammar {
  /** What is being searched, for messages: `runs`, `experiments`, `registered models`. */
  readonly subject: string;
  /** Canonical entity name → spec. */
  readonly entities: Readonly<Record<string, EntitySpec>>;
  /** The canonical entity of an identifier written without a prefix; undefined when a prefix is required. */
  readonly bareEntity?: string;
}

/** The canonical entity a prefix names in this grammar, if any. */
export function entityForPrefix(grammar: FilterGrammar, prefix: string): string | undefined {
  for (const [name, spec] of Object.entries(grammar.entities)) {
    if (spec.prefixes.includes(prefix)) return name;
  }
  return undefined;
}

/** The field spec of `key` in `entity` (after aliases), and the canonical key; undefined when not allowed. */
export function fieldFor(
  grammar: FilterGrammar,
  entity: string,
  key: string,
): { readonly key: string; readonly spec: FieldSpec } | undefined {
  const spec = grammar.entities[entity];
  if (spec === undefined) return undefined;
  if (spec.fields === undefined) return spec.anyKey === undefined ? undefined : { key, spec: spec.anyKey };
  const canonical = spec.keyAliases?.[key] ?? key;
  const field = Object.hasOwn(spec.fields, canonical) ? spec.fields[canonical] : undefined;
  return field === undefined ? undefined : { key: canonical, spec: field };
}

/** Every prefix the grammar accepts, for messages. */
export function allPrefixes(grammar: FilterGrammar): string[] {
  return Object.values(grammar.entities).flatMap((spec) => spec.prefixes);
}

/** The keys of an allowlisted entity that pass `pick`, for messages. */
export function listedKeys(grammar: FilterGrammar, entity: string, pick: (field: FieldSpec) => boolean): string[] {
  const fields = grammar.entities[entity]?.fields ?? {};
  return Object.entries(fields)
    .filter(([, field]) => pick(field))
    .map(([key]) => key);
}
