/** Share of labels predicted exactly. */
export const accuracy = (predicted: readonly number[], actual: readonly number[]): number =>
  actual.length === 0 ? 0 : predicted.filter((label, i) => label === actual[i]).length / actual.length;

/** Mean negative log-likelihood of the true classes under the predicted probabilities. */
export function logLoss(probabilities: readonly (readonly number[])[], classIndexes: readonly number[]): number {
  const total = classIndexes.reduce((sum, k, i) => sum - Math.log(Math.max(probabilities[i]?.[k] ?? 0, 1e-15)), 0);
  return total / Math.max(classIndexes.length, 1);
}

export const rmse = (predicted: readonly number[], actual: readonly number[]): number =>
  Math.sqrt(actual.reduce((sum, y, i) => sum + ((predicted[i] ?? 0) - y) ** 2, 0) / Math.max(actual.length, 1));
