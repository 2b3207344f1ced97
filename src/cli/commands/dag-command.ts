import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { notAWorkspace } from '../../data/workspace/workspace.js';
import { buildDag, type Dag, selectStages } from '../../pipelines/build-dag.js';
import { loadPipeline } from '../../pipelines/parse-pipeline.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { printResult } from './tracking-command-support.js';

interface DagOptions {
  readonly dot?: boolean;
}

/** The graph as Graphviz dot: one node per stage, one edge per path read from another stage. */
export function formatDot(dag: Dag, names: ReadonlySet<string>): string {
  const quote = (text: string) => JSON.stringify(text);
  const nodes = dag.stages.filter((s) => names.has(s.name)).map((s) => `  ${quote(s.name)};`);
  const edges = dag.edges
    .filter((e) => names.has(e.from) && names.has(e.to))
    .map((e) => `  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.path)}];`);
  return ['digraph slipway {', ...nodes, ...edges, '}'].join('\n');
}

async function runDag(targets: string[], options: DagOptions, context: CliContext): Promise<void> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  if (config.workspaceRoot === undefined) throw notAWorkspace();
  const dag = buildDag(await loadPipeline(config.workspaceRoot));
  const stages = selectStages(dag, targets);
  const names = new Set(stages.map((s) => s.name));
  if (options.dot === true && !context.json) {
    context.stdout.write(`${formatDot(dag, names)}\n`);
    return;
  }
  const json = {
    stages: stages.map((s) => ({ name: s.name, after: (dag.upstream.get(s.name) ?? []).filter((n) => names.has(n)) })),
    edges: dag.edges.filter((e) => names.has(e.from) && names.has(e.to)),
  };
  const lines = json.stages.map((s) => (s.after.length === 0 ? s.name : `${s.name}  ← ${s.after.join(', ')}`));
  printResult(context, json, lines.length === 0 ? ['No stages.'] : lines);
}

/** `slipway dag [stage...] [--dot]`. */
export const dagCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('dag')
      .description('print the pipeline graph: stages in run order with what they wait for (--dot: Graphviz)')
      .argument('[stages...]', 'show only these stages and what they depend on')
      .option('--dot', 'print Graphviz dot')
      .action((targets: string[], options: DagOptions) => runDag(targets, options, context));
  },
};
