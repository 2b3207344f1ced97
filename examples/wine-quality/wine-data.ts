import { readFile } from 'node:fs/promises';

export interface WineData {
  /** The 11 physicochemical features, in file order. */
  readonly features: string[];
  readonly rows: number[][];
  /** The sensory quality score (3–8 for the red wines). */
  readonly quality: number[];
}

/** Reads one of the wine CSV files (header, numbers, `quality` last). */
export async function readWineCsv(path: string): Promise<WineData> {
  const [header = '', ...lines] = (await readFile(path, 'utf8')).trim().split('\n');
  const columns = header.trim().split(',');
  const target = columns.indexOf('quality');
  const features = columns.filter((_, i) => i !== target);
  const rows: number[][] = [];
  const quality: number[] = [];
  for (const line of lines) {
    const values = line.trim().split(',').map(Number);
    rows.push(values.filter((_, i) => i !== target));
    quality.push(values[target] ?? Number.NaN);
  }
  return { features, rows, quality };
}
