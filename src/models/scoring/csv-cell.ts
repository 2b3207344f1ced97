import type { ColumnType } from '../signature/model-signature.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  inf: Infinity,
  '-inf': -Infinity,
  '+inf': Infinity,
};
const BOOLEAN: Readonly<Record<string, boolean>> = { true: true, false: false };
const TEXT: ReadonlySet<ColumnType> = new Set(['string', 'binary', 'datetime']);

/** Reads one CSV cell as a value of its column. */
export type CsvCellReader = (cell: string) => unknown;

/**
 * How a CSV cell (as pandas writes them) is read for a column of `type`: text columns keep their text; boolean
 * columns read true/false; any other column (or none known) reads a number if the cell is one (`nan`, `inf`,
 * `-inf` included), true/false as booleans, else keeps the text. An empty cell is missing (null), as pandas reads it.
 */
export function csvCellReader(type: ColumnType | undefined): CsvCellReader {
  if (type !== undefined && TEXT.has(type)) return (cell) => cell;
  if (type === 'boolean') return (cell) => (cell === '' ? null : (BOOLEAN[cell.toLowerCase()] ?? cell));
  return inferredCell;
}

function inferredCell(cell: string): unknown {
  const trimmed = cell.trim();
  if (trimmed === '') return null;
  if (NUMBER.test(trimmed)) return Number(trimmed);
  const lower = trimmed.toLowerCase();
  const special = SPECIAL[lower];
  if (special !== undefined) return special;
  return BOOLEAN[lower] ?? cell;
}
