import { parse } from 'csv-parse/sync';
import { type CsvCellReader, csvCellReader } from '../../models/scoring/csv-cell.js';
import type { ScoringPayload } from '../../models/scoring/parse-scoring-request.js';
import { DEFAULT_SCORING_LIMITS, type ScoringLimits, scoringError } from '../../models/scoring/scoring-error.js';
import type { ModelSignature } from '../../models/signature/model-signature.js';

/**
 * A `text/csv` scoring body (what `pandas.DataFrame.to_csv(index=False)` writes: a header row, then one row per
 * record) as a table payload. Cells are read by the signature's column type when the column has one: text
 * columns keep their text, numbers and booleans are parsed, an empty cell is missing (null), as pandas reads it.
 */
export function csvFrame(
  text: string,
  signature: ModelSignature | undefined,
  limits: ScoringLimits = DEFAULT_SCORING_LIMITS,
): ScoringPayload {
  const records = parseCsv(text, limits);
  const [header, ...rows] = records;
  if (header === undefined) throw scoringError('The CSV body is empty: send a header row and one row per record.');
  if (rows.length > limits.maxRows) throw scoringError(`The request has more than ${limits.maxRows} rows.`);
  if (header.length * rows.length > limits.maxElements)
    throw scoringError(`The request has more than ${limits.maxElements} values.`);
  const types = new Map(
    signature?.inputs.kind === 'columns' ? signature.inputs.columns.map((c) => [c.name, c.type] as const) : [],
  );
  const readers = header.map((name) => csvCellReader(types.get(name)));
  return {
    kind: 'frame',
    columns: header,
    rows: rows.map((row) => row.map((cell, i) => (readers[i] as CsvCellReader)(cell))),
  };
}

function parseCsv(text: string, limits: ScoringLimits): string[][] {
  try {
    return parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      max_record_size: 1024 * 1024,
      to_line: limits.maxRows + 2,
    }) as string[][];
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    throw scoringError(
      'Failed to parse the input as CSV (a header row, then one row per record, as pandas.DataFrame.to_csv() writes)' +
        (typeof line === 'number' ? `: line ${line} is malformed.` : '.'),
    );
  }
}
