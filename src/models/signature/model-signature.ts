import { z } from 'zod';

/** MLflow's column types (mlflow.types.DataType); `integer` is int32, `long` int64, `float` float32. */
export const COLUMN_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** numpy dtype names as MLflow writes them in `tensor-spec` (`object` and `str` hold strings, `bytes` binary). */
export const NUMPY_DTYPES = [
  'float16',
  'float32',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'object',
  'str',
  'bytes',
] as const;
export type NumpyDtype = (typeof NUMPY_DTYPES)[number];

export interface ColumnSpec {
  readonly name?: string;
  readonly type: ColumnType;
  /** MLflow's default is true: the column must be present. */
  readonly required: boolean;
}

export interface TensorSpec {
  readonly name?: string;
  readonly dtype: NumpyDtype;
  /** -1 is a dimension of any size (the batch, usually first). */
  readonly shape: readonly number[];
}

/** A schema is all columns or all tensors, never a mix (MLflow's rule). */
export type Schema =
  | { readonly kind: 'columns'; readonly columns: readonly ColumnSpec[] }
  | { readonly kind: 'tensors'; readonly tensors: readonly TensorSpec[] };

export interface ParamSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly default: unknown;
  /** null for a scalar, [-1] for a list. */
  readonly shape: readonly number[] | null;
}

export interface ModelSignature {
  readonly inputs: Schema;
  readonly outputs?: Schema;
  readonly params?: readonly ParamSpec[];
}

export const SIGNATURE_LIMITS = { maxSpecs: 10_000, maxRank: 32, maxNameLength: 1024 } as const;

const name = z.string().min(1).max(SIGNATURE_LIMITS.maxNameLength);

export const columnSpecSchema = z.object({
  type: z.enum(COLUMN_TYPES, { error: `must be one of ${COLUMN_TYPES.join(', ')}` }),
  name: name.optional(),
  required: z.boolean().default(true),
});

export const tensorSpecSchema = z.object({
  type: z.literal('tensor'),
  name: name.optional(),
  'tensor-spec': z.object({
    dtype: z.enum(NUMPY_DTYPES, { error: `must be one of ${NUMPY_DTYPES.join(', ')}` }),
    shape: z.array(z.number().int().min(-1)).max(SIGNATURE_LIMITS.maxRank),
  }),
});

const specListSchema = z
  .array(
    z.discriminatedUnion('type', [tensorSpecSchema, columnSpecSchema], {
      error: `type must be 'tensor' or a column type (${COLUMN_TYPES.join(', ')}); Array, Object and Map are not supported`,
    }),
  )
  .max(SIGNATURE_LIMITS.maxSpecs)
  .superRefine((specs, context) => {
    const tensors = specs.filter((spec) => spec.type === 'tensor').length;
    if (tensors !== 0 && tensors !== specs.length) {
      context.addIssue({ code: 'custom', message: 'mixes tensor and column specs (MLflow forbids it)' });
    }
  });

export const paramSpecSchema = z.object({
  name,
  type: z.enum(COLUMN_TYPES),
  default: z.unknown(),
  shape: z.array(z.number().int().min(-1)).max(SIGNATURE_LIMITS.maxRank).nullable().default(null),
});

export type SpecListJson = z.infer<typeof specListSchema>;

export const schemaJsonSchema = specListSchema.transform((specs): Schema => toSchema(specs));

export const paramsJsonSchema = z.array(paramSpecSchema).max(SIGNATURE_LIMITS.maxSpecs);

function toSchema(specs: SpecListJson): Schema {
  const first = specs[0];
  if (first !== undefined && first.type === 'tensor') {
    const tensors = (specs as z.infer<typeof tensorSpecSchema>[]).map((spec) => ({
      ...(spec.name === undefined ? {} : { name: spec.name }),
      dtype: spec['tensor-spec'].dtype,
      shape: spec['tensor-spec'].shape,
    }));
    return { kind: 'tensors', tensors };
  }
  return { kind: 'columns', columns: specs as ColumnSpec[] };
}

/** The JSON list MLflow embeds in MLmodel for a schema (`json.dumps(schema.to_dict())`). */
export function schemaToJson(schema: Schema): string {
  const specs =
    schema.kind === 'columns'
      ? schema.columns.map((c) => ({
          type: c.type,
          ...(c.name === undefined ? {} : { name: c.name }),
          required: c.required,
        }))
      : schema.tensors.map((t) => ({
          ...(t.name === undefined ? {} : { name: t.name }),
          type: 'tensor',
          'tensor-spec': { dtype: t.dtype, shape: t.shape },
        }));
  return pythonJsonDumps(specs);
}

export const paramsToJson = (params: readonly ParamSpec[]): string =>
  pythonJsonDumps(params.map((p) => ({ name: p.name, type: p.type, default: p.default, shape: p.shape })));

/** JSON with Python's default separators (`, ` and `: `), so the strings read like the ones MLflow writes. */
export function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJsonDumps(item)}`);
    return `{${entries.join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A column signature: every feature a required column of one type (the common case for tabular models). */
export const columnSchema = (names: readonly string[], type: ColumnType = 'double'): Schema => ({
  kind: 'columns',
  columns: names.map((column) => ({ name: column, type, required: true })),
});

export const tensorSchema = (tensors: readonly TensorSpec[]): Schema => ({ kind: 'tensors', tensors });
