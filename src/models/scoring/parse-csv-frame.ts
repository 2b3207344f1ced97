import type { ColumnType, ModelSignature } from '../signature/model-signature.js';
import type { ScoringPayload } from './parse-scoring-request.js';
import { DEFAULT_SCORING_LIMITS, type ScoringLimits, scoringError } from './scoring-error.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TEXT_TYPES: ReadonlySet<ColumnType> = new Set(['string', 'binary', 'datetime']);

/**
 * A `text/csv` scoring body (as `pandas.read_csv` reads it: a header row of column names, then rows) as a table
 * payload for toModelFeeds. Cells of text columns in the signature stay strings; elsewhere a number is a number,
 * `true`/`false` (any case) a boolean, an empty cell or `NaN` a missing value (null), anything else a string, so
 * the signature check names the column and row of a bad cell. RFC 4180 quoting; rows and values are bounded.
 */
export function parseCsvFrame(
  text: string,
  signature: ModelSignature | undefined,
  limits: ScoringLimits = DEFAULT_SCORING_LIMITS,
): ScoringPayload {
  const records = splitCsv(text, limits);
  const [header, ...body] = records;
  if (header === undefined || header.length === 0) throw scoringError('The CSV body is empty: it needs a header row.');
  if (body.length > limits.maxRows) throw scoringError(`The request has more than ${limits.maxRows} rows.`);
  const types = new Map(
    signature?.inputs.kind === 'columns' ? signature.inputs.columns.map((c) => [c.name, c.type] as const) : [],
  );
  const isText = header.map((name) => TEXT_TYPES.has(types.get(name) ?? 'double'));
  const rows = body.map((cells, row) => {
    if (cells.length !== header.length) {
      throw scoringError(`CSV row ${row} has ${cells.length} values; the header has ${header.length}.`);
    }
    return cells.map((cell, column) => (isText[column] ? cell : cellValue(cell)));
  });
  return { kind: 'frame', columns: header, rows };
}

function cellValue(cell: string): unknown {
  if (cell === '' || cell === 'NaN' || cell === 'nan') return null;
  if (NUMBER.test(cell)) return Number(cell);
  const lower = cell.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  return cell;
}

/** RFC 4180 records: `"` quotes (doubled inside), CRLF or LF line ends; a trailing line end adds no record. */
function splitCsv(text: string, limits: ScoringLimits): string[][] {
  const reader = new CsvReader(limits);
  for (let i = 0; i < text.length; i++) i = reader.quoted ? reader.inQuotes(text, i) : reader.outside(text, i);
  return reader.finish();
}

class CsvReader {
  quoted = false;
  readonly #records: string[][] = [];
  readonly #limits: ScoringLimits;
  #record: string[] = [];
  #cell = '';
  #values = 0;

  constructor(limits: ScoringLimits) {
    this.#limits = limits;
  }

  /** Reads the character at `i` inside quotes; returns the index of the last character consumed. */
  inQuotes(text: string, i: number): number {
    const char = text[i] as string;
    if (char !== '"') this.#cell += char;
    else if (text[i + 1] === '"') {
      this.#cell += '"';
      return i + 1;
    } else this.quoted = false;
    return i;
  }

  outside(text: string, i: number): number {
    const char = text[i] as string;
    if (char === '"' && this.#cell === '') this.quoted = true;
    else if (char === ',') this.#record.push(this.#takeCell());
    else if (char === '\n' || char === '\r') {
      this.#endRecord();
      return char === '\r' && text[i + 1] === '\n' ? i + 1 : i;
    } else this.#cell += char;
    return i;
  }

  finish(): string[][] {
    if (this.quoted) throw scoringError('The CSV body ends inside a quoted value.');
    this.#endRecord();
    return this.#records;
  }

  #takeCell(): string {
    this.#values += 1;
    if (this.#values > this.#limits.maxElements) {
      throw scoringError(`The request has more than ${this.#limits.maxElements} values.`);
    }
    const value = this.#cell;
    this.#cell = '';
    return value;
  }

  /** Ends a record; a blank line (no cell at all) is skipped, as pandas does. */
  #endRecord(): void {
    if (this.#record.length === 0 && this.#cell === '') return;
    this.#record.push(this.#takeCell());
    this.#records.push(this.#record);
    this.#record = [];
  }
}
