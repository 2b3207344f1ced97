/**
 * The evaluation metrics of `model.evaluation`, as scikit-learn computes them (accuracy_score; f1_score,
 * precision_score and recall_score with average="macro" over every label seen in the truth or the predictions,
 * a 0/0 counting 0; mean_squared_error square-rooted; mean_absolute_error; r2_score). Classes are compared as
 * strings (keys); regression values as numbers.
 */

export interface ClassificationScores {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface RegressionScores {
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

export function classificationScores(truth: readonly string[], predicted: readonly string[]): ClassificationScores {
  const counts = new Map<string, Counts>();
  const countsOf = (label: string): Counts => {
    let entry = counts.get(label);
    if (entry === undefined) {
      entry = { tp: 0, fp: 0, fn: 0 };
      counts.set(label, entry);
    }
    return entry;
  };
  let correct = 0;
  truth.forEach((actual, i) => {
    const guess = predicted[i] as string;
    if (guess === actual) {
      correct += 1;
      countsOf(actual).tp += 1;
    } else {
      countsOf(actual).fn += 1;
      countsOf(guess).fp += 1;
    }
  });
  const labels = [...counts.values()];
  const mean = (score: (c: Counts) => number) => labels.reduce((sum, c) => sum + score(c), 0) / labels.length;
  return {
    accuracy: ratio(correct, truth.length),
    precision: mean((c) => ratio(c.tp, c.tp + c.fp)),
    recall: mean((c) => ratio(c.tp, c.tp + c.fn)),
    f1: mean((c) => ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn)),
  };
}

export function regressionScores(truth: readonly number[], predicted: readonly number[]): RegressionScores {
  const n = truth.length;
  let squared = 0;
  let absolute = 0;
  let sum = 0;
  truth.forEach((actual, i) => {
    const error = actual - (predicted[i] as number);
    squared += error * error;
    absolute += Math.abs(error);
    sum += actual;
  });
  const mean = sum / n;
  const total = truth.reduce((acc, actual) => acc + (actual - mean) ** 2, 0);
  return { rmse: Math.sqrt(squared / n), mae: absolute / n, r2: rSquared(squared, total, n) };
}

/** scikit-learn's r2_score: NaN for fewer than two rows; a constant truth gives 1 when predicted exactly, else 0. */
function rSquared(residual: number, total: number, n: number): number {
  if (n < 2) return Number.NaN;
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}
