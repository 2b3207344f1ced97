import { describe, expect, it } from 'vitest';
import { parseSignature } from '../signature/parse-signature.js';
import { parseMlmodel, serializeMlmodel } from './mlmodel.js';

const problems = (text: string): string => {
  try {
    const model = parseMlmodel(text, 'm/MLmodel');
    parseSignature(model, 'm/MLmodel');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('parseMlmodel', () => {
  it('reads the composite example of the reference, signature included', () => {
    const text = `artifact_path: model
flavors:
  python_function:
    env: {conda: conda.yaml, virtualenv: python_env.yaml}
    loader_module: mlflow.sklearn
  sklearn: {code: null, pickled_model: model.pkl}
mlflow_version: 3.4.0
model_uuid: m-0112ba8babe744e9b9c2e4a61086b08e
run_id: 0d099223a0aa4e05976741242b1fb931
saved_input_example_info: {artifact_path: input_example.json, type: dataframe, pandas_orient: split}
signature:
  inputs: '[{"name": "a", "type": "double", "required": true}, {"name": "b", "type": "long"}]'
  outputs: '[{"type": "long", "required": true}]'
  params: '[{"name": "temperature", "type": "float", "default": 0.5, "shape": null}]'
utc_time_created: '2025-11-06 03:46:33.071805'
databricks_runtime: '15.4'
`;
    const model = parseMlmodel(text, 'MLmodel');
    expect(model.databricks_runtime).toBe('15.4');
    expect(parseSignature(model, 'MLmodel')).toEqual({
      inputs: {
        kind: 'columns',
        columns: [
          { name: 'a', type: 'double', required: true },
          { name: 'b', type: 'long', required: true },
        ],
      },
      outputs: { kind: 'columns', columns: [{ type: 'long', required: true }] },
      params: [{ name: 'temperature', type: 'float', default: 0.5, shape: null }],
    });
    expect(parseMlmodel(serializeMlmodel(model), 'again')).toEqual(model);
  });

  it.each([
    ['no flavors', 'mlflow_version: 2.0\n', /flavors: /],
    ['empty flavors', 'flavors: {}\n', /flavors: names no flavor/],
    ['a flavor that is not a mapping', 'flavors:\n  onnx: 3\n', /line 2: flavors\.onnx: a flavor is a mapping/],
    ['a python tag', 'flavors: !!python/object/apply:os.system ["id"]\n', /invalid YAML/],
    ['a js tag', 'flavors:\n  onnx: !!js/function "function(){}"\n', /invalid YAML/],
    ['duplicate keys', 'flavors:\n  onnx: {data: a}\n  onnx: {data: b}\n', /invalid YAML/],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`).join('\n')}\nflavors: {onnx: {data: m}}\n`,
      /alias/,
    ],
    ['deep nesting', `flavors: {onnx: {data: ${'['.repeat(10_000)}${']'.repeat(10_000)}}}\n`, /MLmodel/],
    [
      'an unknown example type',
      'flavors: {onnx: {}}\nsaved_input_example_info: {artifact_path: x.json, type: pickle}\n',
      /saved_input_example_info\.type/,
    ],
    [
      'signature JSON that is not JSON',
      "flavors: {onnx: {}}\nsignature: {inputs: '[{'}\n",
      /signature\.inputs: not valid JSON/,
    ],
    [
      'an unknown column type',
      `flavors: {onnx: {}}\nsignature: {inputs: '[{"name": "a", "type": "double"}, {"name": "b", "type": "decimal"}]'}\n`,
      /signature\.inputs\[1\]\.type: type must be 'tensor' or a column type/,
    ],
    [
      'a tensor shape that is not integers',
      `flavors: {onnx: {}}\nsignature: {inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2.5]}}]'}\n`,
      /signature\.inputs\[0\]\.tensor-spec\.shape\[1\]/,
    ],
    [
      'mixed tensor and column specs',
      `flavors: {onnx: {}}\nsignature: {inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}, {"type": "double"}]'}\n`,
      /mixes tensor and column specs/,
    ],
  ])('refuses %s, naming the field', (_name, text, message) => {
    expect(problems(text)).toMatch(message);
  });

  it('refuses a file over the size limit before parsing it', () => {
    expect(problems(`flavors: {onnx: {}}\n#${'x'.repeat(5 * 1024 * 1024)}\n`)).toMatch(/larger than/);
  });

  it('does not let __proto__ in signature JSON pollute prototypes', () => {
    const text = `flavors: {onnx: {}}\nsignature: {inputs: '[{"name": "a", "type": "double", "__proto__": {"polluted": 1}}]'}\n`;
    parseSignature(parseMlmodel(text, 'MLmodel'), 'MLmodel');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
