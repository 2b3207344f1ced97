import { flatten, valueAt } from './params-files.js';
import { canonicalJson } from './path-digest.js';
import { dataFileAt, diffSources, type FileSource, pipelineAt } from './revision-files.js';
import type { ParamsRef, Pipeline } from './types.js';

export interface DiffInput {
  readonly root: string;
  /** Default HEAD. */
  readonly revA?: string | undefined;
  /** Default: the workspace. */
  readonly revB?: string | undefined;
  /** Also list values that did not change. */
  readonly all?: boolean;
}

export interface ValueChange {
  readonly file: string;
  readonly key: string;
  /** undefined: absent on that side. */
  readonly old: unknown;
  readonly new: unknown;
  /** For numbers on both sides: new − old. */
  readonly change?: number | undefined;
}

export interface ValuesDiff {
  readonly a: string;
  readonly b: string;
  readonly changes: readonly ValueChange[];
}

type Values = Map<string, Record<string, unknown>>;

/** `slipway params diff`: the params the stages of either side read, compared value by value. */
export function diffParams(input: DiffInput): Promise<ValuesDiff> {
  return diffWith(input, async (source, pipelines) => {
    const values: Values = new Map();
    for (const ref of mergeRefs(pipelines.flatMap((p) => p.stages.flatMap((s) => s.params)))) {
      const doc = await dataFileAt(source, ref.file);
      const picked = ref.keys === 'all' ? flatten(doc) : pickKeys(doc, ref.keys);
      values.set(ref.file, picked);
    }
    return values;
  });
}

/** `slipway metrics diff`: the numbers in the metrics files of either side's stages. */
export function diffMetrics(input: DiffInput): Promise<ValuesDiff> {
  return diffWith(input, async (source, pipelines) => {
    const values: Values = new Map();
    for (const file of new Set(pipelines.flatMap((p) => p.stages.flatMap((s) => s.metrics)))) {
      const flat = flatten(await dataFileAt(source, file));
      values.set(file, Object.fromEntries(Object.entries(flat).filter(([, v]) => typeof v === 'number')));
    }
    return values;
  });
}

type Collect = (source: FileSource, pipelines: readonly Pipeline[]) => Promise<Values>;

async function diffWith(input: DiffInput, collect: Collect): Promise<ValuesDiff> {
  const [a, b] = await diffSources(input.root, input.revA, input.revB);
  try {
    const pipelines = [await pipelineAt(a), await pipelineAt(b)];
    const changes = compare(await collect(a, pipelines), await collect(b, pipelines), input.all === true);
    return { a: a.label, b: b.label, changes };
  } finally {
    a.close();
    b.close();
  }
}

/** Per file: every key any stage names, or the whole file when one does. */
function mergeRefs(refs: readonly ParamsRef[]): ParamsRef[] {
  const byFile = new Map<string, Set<string> | 'all'>();
  for (const ref of refs) {
    const known = byFile.get(ref.file);
    if (ref.keys === 'all' || known === 'all') byFile.set(ref.file, 'all');
    else byFile.set(ref.file, new Set([...(known ?? []), ...ref.keys]));
  }
  return [...byFile].map(([file, keys]) => ({ file, keys: keys === 'all' ? 'all' : [...keys] }));
}

function pickKeys(doc: unknown, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const { found, value } = valueAt(doc, key);
    if (found) out[key] = value;
  }
  return out;
}

function compare(a: Values, b: Values, all: boolean): ValueChange[] {
  const files = [...new Set([...a.keys(), ...b.keys()])].sort();
  return files.flatMap((file) => compareFile(file, a.get(file) ?? {}, b.get(file) ?? {}, all));
}

function compareFile(file: string, old: Record<string, unknown>, now: Record<string, unknown>, all: boolean) {
  const changes: ValueChange[] = [];
  for (const key of [...new Set([...Object.keys(old), ...Object.keys(now)])].sort()) {
    const [x, y] = [old[key], now[key]];
    if (!all && canonicalJson(x) === canonicalJson(y)) continue;
    const change = typeof x === 'number' && typeof y === 'number' ? y - x : undefined;
    changes.push({ file, key, old: x, new: y, ...(change === undefined ? {} : { change }) });
  }
  return changes;
}
