import type { FilterClause, FilterOperator, FilterValue, OrderByTerm } from '../../domain/search/filter-ast.js';
import { LIKE_ESCAPE } from '../../domain/search/like-pattern.js';
import { DATASET_CONTEXT_TAG } from '../search/run-filter-sql.js';
import type { Experiment, Run } from '../types.js';

/**
 * The search-filter AST (src/domain/search) evaluated in memory, with the SQL store's semantics: metrics compare
 * their latest value and NaN matches only `!=`; a missing field matches nothing; LIKE is case-sensitive, ILIKE
 * not; runs and experiments order as run-order-sql.ts and select-experiment-page.ts order them.
 */

/** `%` any run, `_` one character, `\` makes the next one literal; anchored at both ends. */
export function likeRegExp(pattern: string, ignoreCase: boolean): RegExp {
  let source = '';
  for (let at = 0; at < pattern.length; at += 1) {
    const char = pattern.charAt(at);
    if (char === LIKE_ESCAPE) source += escapeRegExp(pattern.charAt(++at));
    else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export function compareNumber(left: number, op: FilterOperator, right: number): boolean {
  switch (op) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    default:
      return false;
  }
}

export function compareString(left: string, op: FilterOperator, value: FilterValue): boolean {
  if (value.kind === 'list') return op === 'NOT IN' ? !value.values.includes(left) : value.values.includes(left);
  const right = String(value.value);
  if (op === 'LIKE' || op === 'ILIKE') return likeRegExp(right, op === 'ILIKE').test(left);
  if (op === '=') return left === right;
  if (op === '!=') return left !== right;
  return compareNumber(left < right ? -1 : left > right ? 1 : 0, op, 0);
}

const RUN_ATTRIBUTES: Readonly<Record<string, (run: Run) => string | number | null>> = {
  run_id: (run) => run.info.runId,
  run_name: (run) => run.info.runName,
  user_id: (run) => run.info.userId,
  status: (run) => run.info.status,
  artifact_uri: (run) => run.info.artifactUri,
  start_time: (run) => run.info.startTime,
  end_time: (run) => run.info.endTime,
};

function runAttribute(run: Run, key: string): string | number | null {
  const read = RUN_ATTRIBUTES[key];
  if (read === undefined) throw new Error(`no run attribute ${key}`);
  return read(run);
}

const lookup = (entries: readonly { key: string; value: string }[], key: string) =>
  entries.find((entry) => entry.key === key)?.value;

function matchesAttribute(value: string | number | null, clause: FilterClause): boolean {
  if (value === null) return false;
  if (clause.value.kind === 'number')
    return typeof value === 'number' && compareNumber(value, clause.op, clause.value.value);
  return compareString(String(value), clause.op, clause.value);
}

function matchesDataset(run: Run, clause: FilterClause): boolean {
  return run.inputs.datasetInputs.some(({ dataset, tags }) => {
    if (clause.key === 'context') {
      const context = lookup(tags, DATASET_CONTEXT_TAG);
      return context !== undefined && compareString(context, clause.op, clause.value);
    }
    return compareString(clause.key === 'name' ? dataset.name : dataset.digest, clause.op, clause.value);
  });
}

export function runMatches(run: Run, clause: FilterClause): boolean {
  const { entity, key, op, value } = clause;
  switch (entity) {
    case 'metric': {
      const metric = run.data.metrics.find((m) => m.key === key);
      if (metric === undefined) return false;
      if (Number.isNaN(metric.value)) return op === '!=';
      return compareNumber(metric.value, op, value.kind === 'number' ? value.value : Number.NaN);
    }
    case 'param':
    case 'tag': {
      const found = lookup(entity === 'param' ? run.data.params : run.data.tags, key);
      return found !== undefined && compareString(found, op, value);
    }
    case 'attribute':
      return matchesAttribute(runAttribute(run, key), clause);
    case 'dataset':
      return matchesDataset(run, clause);
    default:
      throw new Error(`no in-memory filter for entity ${entity}`);
  }
}

type Sortable = string | number | undefined;

/** Missing values last in either direction; otherwise by value (text by code unit). */
function compareSortable(a: Sortable, b: Sortable, ascending: boolean): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return ascending ? order : -order;
}

/** Metrics: numbers (in the asked direction), then NaN, then runs without the metric. */
function compareMetric(a: Run, b: Run, term: OrderByTerm): number {
  const rank = (run: Run) => {
    const metric = run.data.metrics.find((m) => m.key === term.key);
    if (metric === undefined) return { rank: 2, value: undefined };
    return Number.isNaN(metric.value) ? { rank: 1, value: undefined } : { rank: 0, value: metric.value };
  };
  const [left, right] = [rank(a), rank(b)];
  return left.rank - right.rank || compareSortable(left.value, right.value, term.ascending);
}

function compareTerm(a: Run, b: Run, term: OrderByTerm): number {
  switch (term.entity) {
    case 'metric':
      return compareMetric(a, b, term);
    case 'param':
      return compareSortable(lookup(a.data.params, term.key), lookup(b.data.params, term.key), term.ascending);
    case 'tag':
      return compareSortable(lookup(a.data.tags, term.key), lookup(b.data.tags, term.key), term.ascending);
    default: {
      const [left, right] = [runAttribute(a, term.key), runAttribute(b, term.key)];
      return compareSortable(left ?? undefined, right ?? undefined, term.ascending);
    }
  }
}

/** MLflow's order: the terms, then start_time DESC (unless ordered by it), then run_id. */
export function compareRuns(terms: readonly OrderByTerm[]): (a: Run, b: Run) => number {
  const byStart = terms.some((term) => term.entity === 'attribute' && term.key === 'start_time');
  const all: OrderByTerm[] = [
    ...terms,
    ...(byStart ? [] : [{ entity: 'attribute', key: 'start_time', ascending: false }]),
    { entity: 'attribute', key: 'run_id', ascending: true },
  ];
  return (a, b) => {
    for (const term of all) {
      const order = compareTerm(a, b, term);
      if (order !== 0) return order;
    }
    return 0;
  };
}

const EXPERIMENT_ATTRIBUTES: Readonly<Record<string, (e: Experiment) => string | number>> = {
  name: (e) => e.name,
  experiment_id: (e) => Number(e.experimentId),
  creation_time: (e) => e.creationTime,
  last_update_time: (e) => e.lastUpdateTime,
};

function experimentAttribute(experiment: Experiment, key: string): string | number {
  const read = EXPERIMENT_ATTRIBUTES[key];
  if (read === undefined) throw new Error(`no experiment attribute ${key}`);
  return read(experiment);
}

export function experimentMatches(experiment: Experiment, clause: FilterClause): boolean {
  if (clause.entity === 'tag') {
    const found = lookup(experiment.tags, clause.key);
    return found !== undefined && compareString(found, clause.op, clause.value);
  }
  return matchesAttribute(experimentAttribute(experiment, clause.key), clause);
}

/** The terms (default creation_time DESC, experiment_id ASC), then experiment_id DESC unless it was named. */
export function compareExperiments(terms: readonly OrderByTerm[]): (a: Experiment, b: Experiment) => number {
  const given: readonly OrderByTerm[] =
    terms.length > 0
      ? terms
      : [
          { entity: 'attribute', key: 'creation_time', ascending: false },
          { entity: 'attribute', key: 'experiment_id', ascending: true },
        ];
  const byId = given.some((term) => term.key === 'experiment_id');
  const all = byId ? given : [...given, { entity: 'attribute', key: 'experiment_id', ascending: false }];
  return (a, b) => {
    for (const term of all) {
      const order = compareSortable(experimentAttribute(a, term.key), experimentAttribute(b, term.key), term.ascending);
      if (order !== 0) return order;
    }
    return 0;
  };
}
