import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../domain/errors.js';
import { check, type Path, type Report } from './check-schema.js';
import { foreachInstances, matrixInstances, substitute, type TemplateInstance } from './expand-templates.js';
import {
  DEFAULT_PARAMS_FILE,
  foreachStageSchema,
  MAX_STAGES,
  matrixStageSchema,
  type ParamsEntry,
  PIPELINE_FILE,
  pipelineFileSchema,
  type StageBody,
} from './pipeline-schema.js';
import { readRelease } from './release/parse-release.js';
import type { ParamsRef, Pipeline, Stage } from './types.js';
import { normalizePath } from './workspace-path.js';
import { MAX_YAML_BYTES, type Problem, parseYamlSource, problemsError, type YamlSource } from './yaml-source.js';

const STAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const HINT = 'Fix slipway.yaml as each line says; docs/pipelines.md describes the format.';

/** Reads `<root>/slipway.yaml`; RESOURCE_DOES_NOT_EXIST when there is none. */
export async function loadPipeline(root: string): Promise<Pipeline> {
  const file = join(root, PIPELINE_FILE);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) {
    throw notFound(`There is no ${PIPELINE_FILE} in ${root}.`, {
      hint: 'Write slipway.yaml at the workspace root (docs/pipelines.md shows one).',
    });
  }
  if (info.size > MAX_YAML_BYTES) {
    throw problemsError(
      PIPELINE_FILE,
      [{ at: undefined, what: 'the file is too large', todo: 'keep it under 4 MiB' }],
      HINT,
    );
  }
  return parsePipeline(await readFile(file, 'utf8'));
}

/** Parses and validates slipway.yaml text, expanding foreach and matrix; every problem is reported at once. */
export function parsePipeline(text: string, file = PIPELINE_FILE): Pipeline {
  const { source, problems } = parseYamlSource(text, file);
  const report: Report = (path, what, todo, key) => problems.push({ at: source.at(path, { key }), what, todo });
  const stages = problems.length === 0 ? readPipelineValue(source, report) : undefined;
  if (problems.length > 0 || stages === undefined) throw problemsError(file, sortProblems(problems), HINT);
  return stages;
}

const sortProblems = (problems: Problem[]) =>
  [...problems].sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.col ?? 0) - (b.at?.col ?? 0));

function readPipelineValue(source: YamlSource, reportAll: Report): Pipeline | undefined {
  let problemCount = 0;
  const report: Report = (...problem) => {
    problemCount += 1;
    reportAll(...problem);
  };
  const top = check(pipelineFileSchema, source.value, [], report);
  const topProblems = problemCount;
  // Check the stages even when the top level is wrong, so every problem is reported at once.
  const raw = top?.stages ?? recordOrUndefined(recordOrUndefined(source.value)?.stages);
  if (raw === undefined) return undefined;
  const stages: Stage[] = [];
  for (const [name, rawStage] of Object.entries(raw)) {
    if (!STAGE_NAME.test(name)) {
      report(
        ['stages', name],
        `stage name ${JSON.stringify(name)} is not allowed`,
        'use letters, digits, _ . and -',
        true,
      );
      continue;
    }
    stages.push(...readStage(name, rawStage, source, report));
  }
  refuseDuplicateNames(stages, report);
  if (stages.length > MAX_STAGES) {
    report(['stages'], `${stages.length} stages after expansion`, `keep foreach/matrix under ${MAX_STAGES} stages`);
  }
  const release = readRelease(source.value, {
    stages: problemCount === topProblems ? stages : undefined,
    report,
    at: source.at,
  });
  return { experiment: top?.experiment, stages, release };
}

const recordOrUndefined = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

function refuseDuplicateNames(stages: readonly Stage[], report: Report): void {
  const seen = new Set<string>();
  for (const stage of stages) {
    if (seen.has(stage.name)) {
      report(
        ['stages', stage.name.split('@')[0] as string],
        `two instances are both named ${stage.name}`,
        'make the foreach/matrix values distinct',
        true,
      );
    }
    seen.add(stage.name);
  }
}

function readStage(name: string, raw: unknown, source: YamlSource, report: Report): Stage[] {
  const base = ['stages', name];
  const at = source.at(base, { key: true });
  if (typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'foreach')) {
    const parsed = check(foreachStageSchema, raw, base, report);
    if (parsed === undefined) return [];
    const instances = foreachInstances(parsed.foreach as unknown[] | Record<string, unknown>);
    return instances.flatMap((instance) => build(name, parsed.do, instance, [...base, 'do'], at, report));
  }
  const parsed = check(matrixStageSchema, raw, base, report);
  if (parsed === undefined) return [];
  const { matrix, ...body } = parsed;
  if (matrix === undefined) return build(name, body, { suffix: undefined, vars: undefined }, base, at, report);
  return matrixInstances(matrix).flatMap((instance) => build(name, body, instance, base, at, report));
}

type Instance = TemplateInstance | { suffix: undefined; vars: undefined };

function build(
  name: string,
  body: StageBody,
  instance: Instance,
  base: Path,
  at: Stage['at'],
  report: Report,
): Stage[] {
  let ok = true;
  const sub = (value: string, path: Path, shell = false) =>
    substitute(value, {
      vars: instance.vars,
      shell,
      problem: (what, todo) => {
        ok = false;
        report(path, `${what}${instance.suffix === undefined ? '' : ` (in ${name}@${instance.suffix})`}`, todo);
      },
    });
  const wdir = normalizePath(sub(body.wdir ?? '.', [...base, 'wdir']), '', [...base, 'wdir'], report, true);
  const paths = (field: 'deps' | 'outs' | 'metrics' | 'plots') =>
    (body[field] ?? []).map((p, i) =>
      normalizePath(sub(p, [...base, field, i]), wdir ?? '', [...base, field, i], report),
    );
  const cmd =
    typeof body.cmd === 'string'
      ? sub(body.cmd, [...base, 'cmd'], true)
      : body.cmd.map((arg, i) => sub(arg, [...base, 'cmd', i]));
  const stage = {
    name: instance.suffix === undefined ? name : `${name}@${instance.suffix}`,
    cmd,
    wdir: wdir ?? '',
    deps: paths('deps'),
    params: (body.params ?? []).flatMap((entry, i) =>
      paramsRef(entry, wdir ?? '', [...base, 'params', i], sub, report),
    ),
    outs: paths('outs'),
    metrics: paths('metrics'),
    plots: paths('plots'),
    frozen: body.frozen ?? false,
    alwaysChanged: body.always_changed ?? false,
    desc: body.desc === undefined ? undefined : sub(body.desc, [...base, 'desc']),
    at,
  };
  const all = [stage.wdir, ...stage.deps, ...stage.outs, ...stage.metrics, ...stage.plots];
  return ok && wdir !== undefined && all.every((p) => p !== undefined) ? [stage as Stage] : [];
}

type Sub = (value: string, path: Path) => string;

function paramsRef(entry: ParamsEntry, wdir: string, path: Path, sub: Sub, report: Report): ParamsRef[] {
  if (typeof entry === 'string') {
    const file = normalizePath(DEFAULT_PARAMS_FILE, wdir, path, report);
    return file === undefined ? [] : [{ file, keys: [checkKey(sub(entry, path), path, report)] }];
  }
  const [[name, keys]] = Object.entries(entry) as [[string, string[] | null]];
  const file = normalizePath(sub(name, path), wdir, path, report);
  if (file === undefined) return [];
  if (keys === null || keys.length === 0) return [{ file, keys: 'all' }];
  return [{ file, keys: keys.map((key, i) => checkKey(sub(key, [...path, name, i]), [...path, name, i], report)) }];
}

function checkKey(key: string, path: Path, report: Report): string {
  if (key.split('.').some((part) => part === '')) {
    report(path, `params key ${JSON.stringify(key)} has an empty part`, 'write a dotted key such as train.lr');
  }
  return key;
}
