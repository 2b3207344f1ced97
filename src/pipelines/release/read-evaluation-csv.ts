import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { invalidParameter, isSlipwayError, notFound } from '../../domain/errors.js';
import { csvCellReader } from '../../models/scoring/csv-cell.js';
import type { ColumnType } from '../../models/signature/model-signature.js';

/** A CSV column the model takes: its name, its signature type (text columns stay text), and whether it must be there. */
export interface CsvInputColumn {
  readonly name: string;
  readonly type?: ColumnType | undefined;
  readonly required: boolean;
}

/** Rows of the CSV, ready for toModelFeeds: the input cells (null where missing), the label cells, their lines. */
export interface EvaluationBatch {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  readonly labels: readonly string[];
  /** The CSV line each row ends on (1 is the header). */
  readonly lines: readonly number[];
}

export interface ReadEvaluationCsvInput {
  /** The CSV file; `label` names it in messages. */
  readonly file: string;
  readonly name: string;
  /** The label column. */
  readonly label: string;
  /** The columns to feed, in order; undefined: every column but the label, in file order. */
  readonly inputs: readonly CsvInputColumn[] | undefined;
  readonly maxBytes: number;
  readonly batchRows: number;
  readonly onBatch: (batch: EvaluationBatch) => Promise<void>;
}

const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Streams an evaluation CSV (a header row, then one row per example, as pandas writes it) in batches of at most
 * `batchRows` rows: the model's input columns by name and the label column. Refuses a file larger than
 * `maxBytes`, a missing input or label column (naming every one, and the columns the file has), ragged rows and
 * a file without rows. Cells read as pandas reads them: numbers, `true`/`false`, empty or NaN as missing; cells of
 * text columns stay text. Returns the number of rows.
 */
export async function readEvaluationCsv(input: ReadEvaluationCsvInput): Promise<number> {
  await checkSize(input);
  const file = createReadStream(input.file, { end: input.maxBytes });
  const parser = parse({ bom: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES, info: true });
  let rows = 0;
  let failure: unknown;
  try {
    await pipeline(file, parser, async (records: AsyncIterable<{ record: string[]; info: { lines: number } }>) => {
      try {
        rows = await readRecords(records, input);
      } catch (error) {
        // Ours (a missing column, the model's refusal); the pipeline may reject with an AbortError instead.
        if (isSlipwayError(error)) failure = error;
        throw error;
      }
    });
  } catch (error) {
    if (failure !== undefined) throw failure;
    throw csvError(input.name, error);
  }
  if (file.bytesRead > input.maxBytes) throw tooLarge(input, file.bytesRead, false);
  if (rows === 0) {
    throw invalidParameter(`The evaluation data ${input.name} has no rows.`, {
      hint: 'Write a header row, then one row per example with the model inputs and the label.',
    });
  }
  return rows;
}

async function readRecords(
  records: AsyncIterable<{ record: string[]; info: { lines: number } }>,
  input: ReadEvaluationCsvInput,
): Promise<number> {
  let plan: Plan | undefined;
  let batch: { rows: unknown[][]; labels: string[]; lines: number[] } = { rows: [], labels: [], lines: [] };
  let count = 0;
  for await (const { record, info } of records) {
    if (plan === undefined) {
      plan = planColumns(record, input);
      continue;
    }
    const label = record[plan.label] as string;
    if (label.trim() === '') throw missingLabel(input, info.lines);
    batch.rows.push(plan.readers.map((read) => read(record)));
    batch.labels.push(label);
    batch.lines.push(info.lines);
    count += 1;
    if (batch.rows.length >= input.batchRows) {
      await input.onBatch({ columns: plan.columns, ...batch });
      batch = { rows: [], labels: [], lines: [] };
    }
  }
  if (plan !== undefined && batch.rows.length > 0) await input.onBatch({ columns: plan.columns, ...batch });
  return count;
}

interface Plan {
  readonly columns: readonly string[];
  readonly readers: readonly ((record: readonly string[]) => unknown)[];
  readonly label: number;
}

function planColumns(header: readonly string[], input: ReadEvaluationCsvInput): Plan {
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const inputs: readonly CsvInputColumn[] =
    input.inputs ?? header.filter((name) => name !== input.label).map((name) => ({ name, required: true }));
  const missing = inputs.filter((column) => column.required && !index.has(column.name)).map((column) => column.name);
  const label = index.get(input.label);
  if (label === undefined || missing.length > 0) throw missingColumns(input, header, missing, label === undefined);
  const readers = inputs.map((column) => {
    const at = index.get(column.name);
    const read = cellReader(column.type);
    return (record: readonly string[]) => (at === undefined ? null : read(record[at] as string));
  });
  return { columns: inputs.map((column) => column.name), readers, label };
}

function missingColumns(input: ReadEvaluationCsvInput, header: readonly string[], inputs: string[], label: boolean) {
  const quote = (names: readonly string[]) => names.map((name) => JSON.stringify(name)).join(', ');
  const lacks = [
    ...(inputs.length > 0 ? [`the model input column${inputs.length > 1 ? 's' : ''} ${quote(inputs)}`] : []),
    ...(label ? [`the label column ${JSON.stringify(input.label)}`] : []),
  ];
  const has = header.length > 40 ? `${quote(header.slice(0, 40))} and ${header.length - 40} more` : quote(header);
  return invalidParameter(`The evaluation data ${input.name} lacks ${lacks.join(' and ')}; its columns are ${has}.`, {
    hint: 'Write every input column of the model signature and the label column (model.evaluation.label) in the CSV header.',
  });
}

const missingLabel = (input: ReadEvaluationCsvInput, line: number) =>
  invalidParameter(`The label ${JSON.stringify(input.label)} on line ${line} of ${input.name} is empty.`, {
    hint: 'Every example needs its true answer: fill the label or drop the row.',
  });

/** The scoring protocol's cell reading (csvCellReader), with a NaN cell read as missing, as pandas does. */
function cellReader(type: ColumnType | undefined): (cell: string) => unknown {
  const read = csvCellReader(type === 'boolean' ? undefined : type);
  return (cell) => {
    const value = read(cell);
    return typeof value === 'number' && Number.isNaN(value) ? null : value;
  };
}

async function checkSize(input: ReadEvaluationCsvInput): Promise<void> {
  const info = await stat(input.file).catch(() => undefined);
  if (info === undefined) {
    throw notFound(`The evaluation data ${input.name} does not exist.`, {
      hint: 'Point model.evaluation.data at a CSV file in the workspace (slipway pull fetches tracked data).',
    });
  }
  if (!info.isFile()) throw invalidParameter(`The evaluation data ${input.name} is not a regular file.`);
  if (info.size > input.maxBytes) throw tooLarge(input, info.size, true);
}

const tooLarge = (input: ReadEvaluationCsvInput, size: number, exact: boolean) =>
  invalidParameter(
    `The evaluation data ${input.name} is larger than ${bytes(input.maxBytes)} (${exact ? '' : 'at least '}${bytes(size)}).`,
    { hint: 'Evaluate on a sample: a few thousand rows give stable metrics and keep the release fast.' },
  );

function bytes(count: number): string {
  if (count < 1024) return `${count} bytes`;
  const [value, unit] = count < 1024 * 1024 ? [count / 1024, 'KiB'] : [count / 1024 / 1024, 'MiB'];
  return `${Math.round(value * 10) / 10} ${unit}`;
}

function csvError(name: string, error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  return invalidParameter(`The evaluation data ${name} is not valid CSV: ${message}`, {
    hint: 'Write a header row, then one row per example, every row with as many cells as the header.',
    cause: error,
  });
}
