import type { Metric, Run } from '../../tracking/types.js';
import { formatTime, table } from './tracking-command-support.js';

/** Human renderings of runs for `slipway runs …`. */

const formatValue = (value: number): string =>
  Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));

export function runTable(runs: readonly Run[]): string[] {
  const rows = runs.map(({ info }) => [
    info.runId,
    info.runName,
    info.status,
    formatTime(info.startTime),
    info.experimentId,
  ]);
  return table(['RUN ID', 'NAME', 'STATUS', 'STARTED', 'EXPERIMENT'], rows);
}

const section = (title: string, rows: readonly (readonly string[])[]): string[] =>
  rows.length === 0
    ? []
    : [
        '',
        `${title}:`,
        ...table(['KEY', 'VALUE'], rows)
          .slice(1)
          .map((line) => `  ${line}`),
      ];

const byKey = <T extends { key: string }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => a.key.localeCompare(b.key));

export function runDetails(run: Run): string[] {
  const { info, data } = run;
  return [
    `Run ${info.runId} (${info.runName})`,
    `  experiment: ${info.experimentId}`,
    `  status:     ${info.status}${info.lifecycleStage === 'deleted' ? ' (deleted)' : ''}`,
    `  started:    ${formatTime(info.startTime)}`,
    `  ended:      ${formatTime(info.endTime)}`,
    `  artifacts:  ${info.artifactUri}`,
    ...section(
      'Params',
      byKey(data.params).map((p) => [p.key, p.value]),
    ),
    ...section(
      'Metrics',
      byKey(data.metrics).map((m: Metric) => [m.key, `${formatValue(m.value)} (step ${m.step})`]),
    ),
    ...section(
      'Tags',
      byKey(data.tags).map((t) => [t.key, t.value]),
    ),
    ...section(
      'Inputs',
      run.inputs.datasetInputs.map(({ dataset }) => [dataset.name, `${dataset.digest} ${dataset.source}`]),
    ),
  ];
}

export interface Comparison {
  readonly runs: readonly string[];
  /** key → one value per run (null where the run has none). */
  readonly params: Readonly<Record<string, (string | null)[]>>;
  readonly metrics: Readonly<Record<string, (number | null)[]>>;
}

function sideBySide<V>(runs: readonly Run[], pick: (run: Run) => readonly { key: string; value: V }[]) {
  const keys = [...new Set(runs.flatMap((run) => pick(run).map((entry) => entry.key)))].sort();
  return Object.fromEntries(
    keys.map((key) => [key, runs.map((run) => pick(run).find((entry) => entry.key === key)?.value ?? null)]),
  );
}

/** Params and latest metrics of several runs, key by key. */
export const compareRuns = (runs: readonly Run[]): Comparison => ({
  runs: runs.map((run) => run.info.runId),
  params: sideBySide(runs, (run) => run.data.params),
  metrics: sideBySide(runs, (run) => run.data.metrics),
});

export function comparisonTable(runs: readonly Run[], comparison: Comparison): string[] {
  const headers = ['KEY', ...runs.map((run) => `${run.info.runName} (${run.info.runId.slice(0, 8)})`)];
  const rows = [
    ...Object.entries(comparison.params).map(([key, values]) => [`params.${key}`, ...values.map((v) => v ?? '-')]),
    ...Object.entries(comparison.metrics).map(([key, values]) => [
      `metrics.${key}`,
      ...values.map((v) => (v === null ? '-' : formatValue(v))),
    ]),
  ];
  return table(headers, rows);
}
