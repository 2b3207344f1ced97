import {
  allocateTensorData,
  elementCount,
  isBigIntDtype,
  isFloatDtype,
  type Tensor,
  type TensorDataByDtype,
  type TensorDtype,
} from '../tensor/tensor.js';
import { type ScoringLimits, scoringError, shown } from './scoring-error.js';

/** Where a value came from, for messages: `input 'x'` or `column 'alcohol'`. */
export interface ValueSite {
  /** Built only when a message needs it (quoting names costs time on every request otherwise). */
  readonly what: string | (() => string);
  /** Null (or NaN) is accepted for float dtypes and becomes NaN. */
  readonly nullable: boolean;
}

const RANGES: Readonly<Partial<Record<TensorDtype, readonly [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

const whatOf = (site: ValueSite): string => (typeof site.what === 'string' ? site.what : site.what());

/** The shape of nested JSON arrays, checked rectangular; a scalar has shape []. */
export function shapeOf(value: unknown, site: ValueSite, limits: ScoringLimits): number[] {
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    if (shape.length >= limits.maxRank)
      throw scoringError(`${whatOf(site)} is nested deeper than ${limits.maxRank} levels.`);
    shape.push(level.length);
    if (level.length === 0) break;
  }
  if (elementCount(shape) > limits.maxElements) {
    throw scoringError(`${whatOf(site)} has more than ${limits.maxElements} values.`);
  }
  return shape;
}

/** Nested JSON arrays → a tensor of `dtype`, every element checked; errors name the row and position. */
export function jsonToTensor<D extends TensorDtype>(
  value: unknown,
  dtype: D,
  site: ValueSite,
  limits: ScoringLimits,
): Tensor<D> {
  const shape = shapeOf(value, site, limits);
  const data = allocateTensorData(dtype, elementCount(shape));
  let next = 0;
  const walk = (node: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      setElement(data, next++, node, dtype, site, path);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw scoringError(
        `${whatOf(site)}${where(path)}: the arrays are ragged; expected ${shape[depth]} values at every level ${depth}.`,
      );
    }
    for (let index = 0; index < node.length; index++) walk(node[index], depth + 1, [...path, index]);
  };
  walk(value, 0, []);
  return { dtype, shape, data };
}

const where = (path: readonly number[]): string =>
  path.length === 0 ? '' : ` row ${path[0]}${path.length > 1 ? ` at [${path.slice(1).join('][')}]` : ''}`;

/** Stores one JSON value as element `index`, or throws naming the site and position. */
export function setElement(
  data: TensorDataByDtype[TensorDtype],
  index: number,
  value: unknown,
  dtype: TensorDtype,
  site: ValueSite,
  path: readonly number[],
): void {
  (data as unknown[])[index] = checkValue(value, dtype, site, path);
}

/** The JSON value as an element of `dtype`, or an error naming the site, the row and what was expected. */
export function checkValue(value: unknown, dtype: TensorDtype, site: ValueSite, path: readonly number[]) {
  const converted = convert(value, dtype, site.nullable);
  if (converted !== undefined) return converted;
  throw scoringError(`${whatOf(site)}${where(path)}: ${shown(value)} is not ${expected(dtype, site.nullable)}.`);
}

function convert(value: unknown, dtype: TensorDtype, nullable: boolean): number | bigint | string | undefined {
  if (dtype === 'string') return typeof value === 'string' ? value : undefined;
  if (dtype === 'bool') return typeof value === 'boolean' ? Number(value) : undefined;
  if (isFloatDtype(dtype)) return floatOf(value, nullable);
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  const [low, high] = RANGES[dtype] ?? [0, 0];
  if (value < low || value > high) return undefined;
  return isBigIntDtype(dtype) ? BigInt(value) : value;
}

function floatOf(value: unknown, nullable: boolean): number | undefined {
  if (typeof value === 'number' && (Number.isFinite(value) || (nullable && Number.isNaN(value)))) return value;
  if (value === null && nullable) return Number.NaN;
  return undefined;
}

function expected(dtype: TensorDtype, nullable: boolean): string {
  if (dtype === 'string') return 'a string';
  if (dtype === 'bool') return 'a boolean';
  if (isFloatDtype(dtype))
    return nullable ? `a number (${dtype}) or null` : `a finite number (${dtype}); missing values are not allowed here`;
  const [low, high] = RANGES[dtype] ?? [0, 0];
  return `an integer in [${low}, ${high}] (${dtype})`;
}
