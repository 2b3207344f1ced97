import { invalidParameter } from '../../domain/errors.js';
import type { StandardScalerParams } from '../onnx-format/build-estimators.js';

export type Matrix = readonly (readonly number[])[];

/** Per-feature mean and population standard deviation (a constant feature gets scale 1, as scikit-learn does). */
export function fitStandardScaler(rows: Matrix): StandardScalerParams {
  const first = rows[0];
  if (first === undefined) throw invalidParameter('fitStandardScaler needs at least one row.');
  const mean = first.map((_, j) => rows.reduce((sum, row) => sum + (row[j] ?? 0), 0) / rows.length);
  const scale = mean.map((m, j) => {
    const variance = rows.reduce((sum, row) => sum + ((row[j] ?? 0) - m) ** 2, 0) / rows.length;
    return variance > 0 ? Math.sqrt(variance) : 1;
  });
  return { mean, scale };
}

export const applyScaler = (scaler: StandardScalerParams, rows: Matrix): number[][] =>
  rows.map((row) => row.map((value, j) => (value - (scaler.mean[j] ?? 0)) / (scaler.scale[j] ?? 1)));
