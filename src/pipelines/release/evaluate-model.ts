import { invalidParameter, isSlipwayError } from '../../domain/errors.js';
import { type LoadedModel, type LoadModelOptions, loadModel } from '../../models/load-model.js';
import { toModelFeeds } from '../../models/scoring/to-model-feeds.js';
import type { ModelSignature } from '../../models/signature/model-signature.js';
import { elementCount, isFloatDtype, type Tensor, tensorElement } from '../../models/tensor/tensor.js';
import { classificationScores, regressionScores } from './evaluation-metrics.js';
import { type CsvInputColumn, type EvaluationBatch, readEvaluationCsv } from './read-evaluation-csv.js';
import { EVALUATION_PREFIX, type EvaluationMetric } from './release-config.js';

export const DEFAULT_EVALUATION_LIMITS = {
  /** The largest evaluation CSV read. */
  maxBytes: 64 * 1024 * 1024,
  /** Rows per model call. */
  batchRows: 1024,
} as const;

export interface EvaluateModelInput {
  /** An MLmodel folder (loaded, then closed), or a model already loaded (left open). */
  readonly model: string | LoadedModel;
  /** The CSV file. */
  readonly data: string;
  /** How messages name the CSV (default `data`), e.g. its path relative to slipway.yaml. */
  readonly dataName?: string | undefined;
  readonly label: string;
  readonly metrics: readonly EvaluationMetric[];
  readonly maxBytes?: number | undefined;
  readonly batchRows?: number | undefined;
  readonly load?: LoadModelOptions | undefined;
}

export type EvaluationTask = 'classification' | 'regression';

export interface ModelEvaluation {
  /** The requested metrics, by name. */
  readonly metrics: Readonly<Partial<Record<EvaluationMetric, number>>>;
  readonly rows: number;
  readonly task: EvaluationTask;
  /** The model output the predictions were read from. */
  readonly output: string;
}

const CLASSIFICATION_METRICS: ReadonlySet<EvaluationMetric> = new Set(['accuracy', 'f1', 'precision', 'recall']);
const LABEL_OUTPUTS = new Set(['label', 'labels', 'output_label', 'predicted_label', 'class', 'classes']);
const PROBABILITY_OUTPUTS = new Set(['probabilities', 'probability', 'output_probability', 'scores', 'logits']);

/** `{'eval.accuracy': 0.8, …}`: an evaluation as run metrics, the names gates use. */
export const evaluationRunMetrics = (evaluation: ModelEvaluation): Record<string, number> =>
  Object.fromEntries(Object.entries(evaluation.metrics).map(([name, value]) => [`${EVALUATION_PREFIX}${name}`, value]));

/**
 * Evaluates a model on a labelled CSV in-process: loads the MLmodel folder with the flavor registry, streams the
 * CSV in batches, feeds the signature's input columns (every column but the label when the signature names
 * none), and compares the predictions with the label column.
 *
 * Predictions: a `label` output (Slipway's and skl2onnx's classifiers) gives the class; else a probabilities or
 * scores output, or any output several values wide, gives the index of its largest value; else a one-value
 * output is a regression value (a float) or a class (an integer or a string). Classification metrics need a
 * class; rmse, mae and r2 need numbers (numeric classes count as numbers).
 */
export async function evaluateModel(input: EvaluateModelInput): Promise<ModelEvaluation> {
  const model = typeof input.model === 'string' ? await loadModel(input.model, input.load) : input.model;
  try {
    const name = input.dataName ?? input.data;
    const collected = new Predictions(input.metrics);
    const rows = await readEvaluationCsv({
      file: input.data,
      name,
      label: input.label,
      inputs: inputColumns(model.signature),
      maxBytes: input.maxBytes ?? DEFAULT_EVALUATION_LIMITS.maxBytes,
      batchRows: input.batchRows ?? DEFAULT_EVALUATION_LIMITS.batchRows,
      onBatch: async (batch) => collected.add(batch, await predict(model, batch, name)),
    });
    return collected.score(rows, name, input.label);
  } finally {
    if (typeof input.model === 'string') await model.close();
  }
}

function inputColumns(signature: ModelSignature | undefined): CsvInputColumn[] | undefined {
  if (signature?.inputs.kind !== 'columns') return undefined;
  return signature.inputs.columns.map((column, i) => ({
    name: column.name ?? String(i),
    type: column.type,
    required: column.required,
  }));
}

async function predict(model: LoadedModel, batch: EvaluationBatch, name: string): Promise<Record<string, Tensor>> {
  try {
    const { feeds } = toModelFeeds({ kind: 'frame', columns: batch.columns, rows: batch.rows }, model);
    return await model.predict(feeds);
  } catch (error) {
    if (!isSlipwayError(error) || error.code !== 'BAD_REQUEST') throw error;
    const message = error.message.replace(/ row (\d+)/, (_, row: string) => ` on line ${batch.lines[Number(row)]}`);
    throw invalidParameter(`The evaluation data ${name} does not fit the model: ${message}`, {
      hint: 'Fix the CSV cells named, or the model signature (docs/models.md, "Signatures").',
      cause: error,
    });
  }
}

type PredictionKind = 'label' | 'argmax' | 'value';

interface Choice {
  readonly output: string;
  readonly kind: PredictionKind;
}

/** Which output holds the prediction, and how to read it (see evaluateModel). */
function choosePrediction(outputs: Readonly<Record<string, Tensor>>): Choice {
  const entries = Object.entries(outputs);
  const width = (tensor: Tensor) => elementCount(tensor.shape.slice(1));
  const label = entries.find(([name, tensor]) => isLabelName(name) && width(tensor) === 1);
  if (label !== undefined) return { output: label[0], kind: 'label' };
  const scores = entries.find(([name, tensor]) => PROBABILITY_OUTPUTS.has(name.toLowerCase()) && width(tensor) > 1);
  if (scores !== undefined) return { output: scores[0], kind: 'argmax' };
  const [first] = entries;
  if (first === undefined) throw invalidParameter('The model returned no output to evaluate.');
  const [output, tensor] = first;
  if (width(tensor) > 1) return { output, kind: 'argmax' };
  return { output, kind: isFloatDtype(tensor.dtype) ? 'value' : 'label' };
}

const isLabelName = (name: string): boolean => LABEL_OUTPUTS.has(name.toLowerCase()) || /_label$/i.test(name);

/** A class as a key: numbers in their shortest form (`5`, `5.0` and 5 are one class), text as it is. */
export function classKey(value: number | string | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  const trimmed = value.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? String(Number(trimmed)) : value;
}

/** The predictions and labels of every batch, then the metrics over them. */
class Predictions {
  readonly #metrics: readonly EvaluationMetric[];
  readonly #predicted: (string | number)[] = [];
  readonly #labels: string[] = [];
  readonly #lines: number[] = [];
  #choice: Choice | undefined;

  constructor(metrics: readonly EvaluationMetric[]) {
    this.#metrics = metrics;
  }

  add(batch: EvaluationBatch, outputs: Readonly<Record<string, Tensor>>): void {
    this.#choice ??= choosePrediction(outputs);
    const tensor = outputs[this.#choice.output];
    if (tensor === undefined)
      throw invalidParameter(`The model stopped returning its output '${this.#choice.output}'.`);
    const width = elementCount(tensor.shape.slice(1));
    for (let row = 0; row < batch.rows.length; row++) this.#predicted.push(this.#read(tensor, row, width));
    this.#labels.push(...batch.labels);
    this.#lines.push(...batch.lines);
  }

  #read(tensor: Tensor, row: number, width: number): string | number {
    const kind = this.#choice?.kind;
    if (kind === 'argmax') return String(argmax(tensor, row * width, width));
    const value = tensorElement(tensor, row * width);
    if (kind === 'value') return typeof value === 'number' ? value : Number.NaN;
    return classKey(value);
  }

  score(rows: number, name: string, label: string): ModelEvaluation {
    const choice = this.#choice as Choice;
    const task: EvaluationTask = choice.kind === 'value' ? 'regression' : 'classification';
    const wanted = new Set(this.#metrics);
    const classification = this.#metrics.filter((metric) => CLASSIFICATION_METRICS.has(metric));
    if (task === 'regression' && classification.length > 0) {
      throw invalidParameter(
        `${classification.join(', ')} need${classification.length === 1 ? 's' : ''} a classifier, but the model's output '${choice.output}' is a regression value.`,
        { hint: 'Evaluate a regressor with rmse, mae and r2 (model.evaluation.metrics in slipway.yaml).' },
      );
    }
    const metrics: Partial<Record<EvaluationMetric, number>> = {};
    if (classification.length > 0) {
      const scores = classificationScores(this.#labels.map(classKey), this.#predicted as string[]);
      for (const metric of classification) metrics[metric] = scores[metric as keyof typeof scores];
    }
    if (wanted.has('rmse') || wanted.has('mae') || wanted.has('r2')) {
      const scores = regressionScores(this.#numericLabels(name, label), this.#numericPredictions(choice));
      for (const metric of ['rmse', 'mae', 'r2'] as const) if (wanted.has(metric)) metrics[metric] = scores[metric];
    }
    return { metrics, rows, task, output: choice.output };
  }

  #numericLabels(name: string, label: string): number[] {
    return this.#labels.map((cell, i) => {
      const value = cell.trim() === '' ? Number.NaN : Number(cell);
      if (Number.isFinite(value)) return value;
      throw invalidParameter(
        `The label ${JSON.stringify(label)} on line ${this.#lines[i]} of ${name} is ${JSON.stringify(cell.slice(0, 40))}, not a number; rmse, mae and r2 need numbers.`,
        { hint: 'Use numeric labels, or only accuracy, f1, precision and recall for text classes.' },
      );
    });
  }

  #numericPredictions(choice: Choice): number[] {
    return this.#predicted.map((value) => {
      const number = typeof value === 'number' ? value : Number(value);
      if (!Number.isNaN(number) || typeof value === 'number') return number;
      throw invalidParameter(
        `The model's output '${choice.output}' predicts the class ${JSON.stringify(String(value).slice(0, 40))}, not a number; rmse, mae and r2 need numbers.`,
        { hint: 'Use accuracy, f1, precision and recall for this classifier.' },
      );
    });
  }
}

function argmax(tensor: Tensor, start: number, width: number): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < width; i++) {
    const value = Number(tensor.data[start + i]);
    if (value > bestValue) {
      best = i;
      bestValue = value;
    }
  }
  return best;
}
