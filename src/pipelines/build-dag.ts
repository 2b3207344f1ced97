import { notFound } from '../domain/errors.js';
import { PIPELINE_FILE } from './pipeline-schema.js';
import { outputsOf, type Pipeline, type Stage } from './types.js';
import { type Problem, problemsError } from './yaml-source.js';

/** `from` writes `path`, which `to` reads. */
export interface DagEdge {
  readonly from: string;
  readonly to: string;
  readonly path: string;
}

export interface Dag {
  /** Topological order: every stage after the stages it depends on (file order among independent ones). */
  readonly stages: readonly Stage[];
  readonly edges: readonly DagEdge[];
  /** Stage name → the names of the stages it directly depends on. */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
}

const HINT = 'Fix slipway.yaml so each output has one stage and the stages form no cycle (docs/pipelines.md).';

/** `a` is `b` or inside the folder `b`. */
export const isWithin = (a: string, b: string): boolean => a === b || a.startsWith(`${b}/`);

/**
 * The pipeline's graph: an edge wherever a stage reads what another writes (the same path, a file inside an
 * output folder, or an output inside a folder it reads). Two stages writing one path, overlapping outputs and
 * cycles are errors naming the stages and where slipway.yaml defines them.
 */
export function buildDag(pipeline: Pipeline): Dag {
  const problems = outputProblems(pipeline.stages);
  if (problems.length > 0) throw problemsError(PIPELINE_FILE, problems, HINT);
  const edges = findEdges(pipeline.stages);
  const upstream = new Map(pipeline.stages.map((s) => [s.name, [] as string[]]));
  for (const edge of edges) {
    const list = upstream.get(edge.to) as string[];
    if (!list.includes(edge.from)) list.push(edge.from);
  }
  return { stages: topologicalOrder(pipeline.stages, upstream), edges, upstream };
}

function outputProblems(stages: readonly Stage[]): Problem[] {
  const owners: Array<{ path: string; stage: Stage }> = [];
  const problems: Problem[] = [];
  for (const stage of stages) {
    for (const path of outputsOf(stage)) {
      const clash = owners.find((owner) => isWithin(path, owner.path) || isWithin(owner.path, path));
      if (clash === undefined) owners.push({ path, stage });
      else problems.push(clashProblem(path, stage, clash));
    }
  }
  return problems;
}

function clashProblem(path: string, stage: Stage, clash: { path: string; stage: Stage }): Problem {
  const where = clash.stage.at === undefined ? '' : ` (line ${clash.stage.at.line})`;
  const same = clash.path === path;
  const who = clash.stage === stage ? 'this stage too' : `stage ${clash.stage.name}${where}`;
  return {
    at: stage.at,
    what: same
      ? `stage ${stage.name} writes ${path}, which ${who} writes`
      : `stage ${stage.name} writes ${path}, which overlaps ${clash.path} written by ${who}`,
    todo: 'give each output exactly one stage (split the folder, or merge the stages)',
  };
}

function findEdges(stages: readonly Stage[]): DagEdge[] {
  const edges: DagEdge[] = [];
  for (const to of stages) {
    for (const dep of to.deps) {
      for (const from of stages) {
        const out = outputsOf(from).find((path) => isWithin(dep, path) || isWithin(path, dep));
        if (out !== undefined) edges.push({ from: from.name, to: to.name, path: isWithin(dep, out) ? dep : out });
      }
    }
  }
  return edges;
}

function topologicalOrder(stages: readonly Stage[], upstream: ReadonlyMap<string, readonly string[]>): Stage[] {
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: Stage[] = [];
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw cycleError([...path.slice(path.indexOf(name)), name], byName);
    state.set(name, 'visiting');
    for (const before of upstream.get(name) ?? []) visit(before, [...path, name]);
    state.set(name, 'done');
    order.push(byName.get(name) as Stage);
  };
  for (const stage of stages) visit(stage.name, []);
  return order;
}

function cycleError(cycle: readonly string[], byName: ReadonlyMap<string, Stage>) {
  const first = byName.get(cycle[0] as string);
  return problemsError(
    PIPELINE_FILE,
    [
      {
        at: first?.at,
        what: `the stages form a cycle: ${cycle.join(' → ')}`,
        todo: 'remove one of these dependencies (a stage cannot read what it or a later stage writes)',
      },
    ],
    HINT,
  );
}

/** The named stages (`train` also selects `train@…`) and every stage they depend on, in order; all without names. */
export function selectStages(dag: Dag, names: readonly string[]): Stage[] {
  if (names.length === 0) return [...dag.stages];
  const wanted = new Set<string>();
  const add = (name: string): void => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const before of dag.upstream.get(name) ?? []) add(before);
  };
  for (const name of names) {
    const matches = dag.stages.filter((stage) => stage.name === name || stage.name.startsWith(`${name}@`));
    if (matches.length === 0) throw unknownStage(name, dag);
    for (const match of matches) add(match.name);
  }
  return dag.stages.filter((stage) => wanted.has(stage.name));
}

const unknownStage = (name: string, dag: Dag) =>
  notFound(`There is no stage ${JSON.stringify(name)} in ${PIPELINE_FILE}.`, {
    hint: `The stages are: ${dag.stages.map((stage) => stage.name).join(', ') || '(none)'}.`,
  });
