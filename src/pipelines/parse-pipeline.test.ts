import { describe, expect, it } from 'vitest';
import { buildDag, selectStages } from './build-dag.js';
import { parsePipeline } from './parse-pipeline.js';

const problemsOf = (text: string): string[] => {
  try {
    parsePipeline(text);
  } catch (error) {
    return (error as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error('expected problems');
};

describe('slipway.yaml', () => {
  it('reports every problem with file:line:col, what is wrong and what to do', () => {
    const problems = problemsOf(`schema: 2
stages:
  a:
    cmd: 3
    bogus: 1
  b:
    cmd: echo
    deps: [../outside, /abs, .slipway/cache]
    params: [3]
    frozen: yes
  "bad name":
    cmd: echo
`);
    expect(problems).toEqual([
      'slipway.yaml:1:9: schema must be 1 — write schema: 1 at the top (this Slipway reads slipway.yaml format 1)',
      'slipway.yaml:4:10: cmd must be a non-empty string (a shell line) or a list of strings (argv, no shell) — write cmd: python train.py or cmd: [python, train.py]',
      'slipway.yaml:5:5: bogus: unknown key — a stage has cmd, wdir, deps, params, outs, metrics, plots, frozen, always_changed, desc, and foreach or matrix',
      'slipway.yaml:9:14: each params entry must be a dotted key of params.yaml or {file: [keys]} ({file: } for the whole file) — write - train.lr or - config.yaml: [model.depth]',
      'slipway.yaml:10:13: frozen must be true or false — write frozen: true',
      'slipway.yaml:11:3: stage name "bad name" is not allowed — use letters, digits, _ . and -',
    ]);
  });

  it('reports paths that leave the workspace or reach into .slipway/', () => {
    expect(
      problemsOf('schema: 1\nstages:\n  b:\n    cmd: echo\n    deps: [../outside, /abs, .slipway/cache]\n'),
    ).toEqual([
      'slipway.yaml:5:12: path "../outside" leads outside the workspace — write a path inside the workspace, relative to the stage wdir',
      'slipway.yaml:5:24: path "/abs" is absolute — write a path inside the workspace, relative to the stage wdir',
      'slipway.yaml:5:30: path ".slipway/cache" is inside .slipway/ or .git/, which Slipway and git manage — write a path inside the workspace, relative to the stage wdir',
    ]);
  });

  it('reports YAML syntax errors at their place', () => {
    expect(problemsOf('schema: 1\nstages: [\n')[0]).toMatch(
      /^slipway\.yaml:3:1: invalid YAML: .* — fix the YAML syntax/,
    );
  });

  it('expands foreach over a list and a mapping, with item, key and item.field references', () => {
    const pipeline = parsePipeline(`schema: 1
stages:
  fetch:
    foreach: [eu, us]
    do:
      cmd: [node, fetch.js, "\${item}", "\${key}"]
      outs: ["data/\${item}.csv"]
  train:
    foreach:
      small: {depth: 3}
      large: {depth: 9}
    do:
      cmd: node train.js --depth \${item.depth}
      wdir: models
      outs: ["\${key}.bin"]
`);
    expect(pipeline.stages.map((s) => [s.name, s.cmd, s.outs, s.wdir])).toEqual([
      ['fetch@eu', ['node', 'fetch.js', 'eu', '0'], ['data/eu.csv'], ''],
      ['fetch@us', ['node', 'fetch.js', 'us', '1'], ['data/us.csv'], ''],
      ['train@small', 'node train.js --depth 3', ['models/small.bin'], 'models'],
      ['train@large', 'node train.js --depth 9', ['models/large.bin'], 'models'],
    ]);
  });

  it('expands a matrix into every combination', () => {
    const pipeline = parsePipeline(`schema: 1
stages:
  sweep:
    matrix: {lr: [0.1, 0.01], depth: [3, 5]}
    cmd: [node, sweep.js, "\${item.lr}", "\${item.depth}"]
    metrics: ["sweep/\${item.lr}-\${item.depth}.json"]
`);
    expect(pipeline.stages.map((s) => s.name)).toEqual(['sweep@0.1-3', 'sweep@0.1-5', 'sweep@0.01-3', 'sweep@0.01-5']);
    expect(pipeline.stages[3]?.cmd).toEqual(['node', 'sweep.js', '0.01', '5']);
  });

  it('never puts a value that is not a plain word into a shell line, and names unknown references', () => {
    expect(
      problemsOf(`schema: 1
stages:
  s:
    foreach: ["a; rm -rf ~"]
    do:
      cmd: echo \${item} \${nope}
`),
    ).toEqual([
      `slipway.yaml:6:12: \${item} is "a; rm -rf ~", which cannot go into a shell command line (in s@0) — write cmd as a list (argv, no shell) to pass any value, or use plain values (letters, digits, _-.,:/=@%+)`,
      `slipway.yaml:6:12: \${nope} names nothing (in s@0) — use \${item}, \${key} or \${item.<field>} of this stage's values`,
    ]);
  });

  it('reads params as keys of params.yaml, keys of another file, or whole files, relative to wdir', () => {
    const [stage] = parsePipeline(`schema: 1
stages:
  s:
    cmd: x
    wdir: sub
    params: [train.lr, {conf.json: [a.b]}, {all.yaml: }]
`).stages;
    expect(stage?.params).toEqual([
      { file: 'sub/params.yaml', keys: ['train.lr'] },
      { file: 'sub/conf.json', keys: ['a.b'] },
      { file: 'sub/all.yaml', keys: 'all' },
    ]);
  });
});

describe('DAG', () => {
  const dagOf = (stages: string) => buildDag(parsePipeline(`schema: 1\nstages:\n${stages}`));
  const errorOf = (stages: string) => {
    try {
      dagOf(stages);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected an error');
  };

  it('orders stages by what they read and write, an output inside a folder dependency included', () => {
    const dag = dagOf(`  train: {cmd: t, deps: [data], outs: [model]}
  prepare: {cmd: p, deps: [raw.csv], outs: [data/clean.csv]}
  evaluate: {cmd: e, deps: [model/weights.bin], metrics: [eval.json]}
  other: {cmd: o}
`);
    expect(dag.stages.map((s) => s.name)).toEqual(['prepare', 'train', 'evaluate', 'other']);
    expect(dag.edges).toEqual([
      { from: 'prepare', to: 'train', path: 'data/clean.csv' },
      { from: 'train', to: 'evaluate', path: 'model/weights.bin' },
    ]);
    expect(selectStages(dag, ['train']).map((s) => s.name)).toEqual(['prepare', 'train']);
  });

  it('names a cycle', () => {
    expect(
      errorOf(`  a: {cmd: a, deps: [c.txt], outs: [a.txt]}
  b: {cmd: b, deps: [a.txt], outs: [b.txt]}
  c: {cmd: c, deps: [b.txt], outs: [c.txt]}
`),
    ).toContain('slipway.yaml:3:3: the stages form a cycle: a → c → b → a — remove one of these dependencies');
  });

  it('refuses two stages writing one output, and overlapping outputs', () => {
    const message = errorOf(`  a: {cmd: a, outs: [model]}
  b: {cmd: b, outs: [model]}
  c: {cmd: c, metrics: [model/m.json]}
`);
    expect(message).toContain(
      'slipway.yaml:4:3: stage b writes model, which stage a (line 3) writes — give each output exactly one stage',
    );
    expect(message).toContain(
      'slipway.yaml:5:3: stage c writes model/m.json, which overlaps model written by stage a (line 3)',
    );
  });

  it('names an unknown stage and lists the others', () => {
    const dag = dagOf('  a: {cmd: a}\n');
    expect(() => selectStages(dag, ['b'])).toThrow('There is no stage "b" in slipway.yaml.');
  });
});
