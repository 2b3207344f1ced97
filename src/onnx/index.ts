/**
 * `slipway/onnx`: build ONNX models trained in TypeScript and save them as MLflow model folders that
 * `slipway serve`, `mlflow models serve` and `mlflow.onnx.load_model` all load. Also small, deterministic
 * trainers (standard scaler, linear / logistic / softmax regression, MLP) that produce the weights the builders
 * take. Nothing here loads onnxruntime.
 */

export type { MlModel } from '../models/mlmodel/mlmodel.js';
export {
  type Activation,
  type BuildOptions,
  buildLinearRegression,
  buildLogisticRegression,
  buildMlp,
  buildSoftmaxRegression,
  type ClassifierOptions,
  type DenseLayer,
  type LinearRegressionParams,
  type LogisticRegressionParams,
  type MlpParams,
  type OnnxModel,
  type SoftmaxRegressionParams,
  type StandardScalerParams,
} from '../models/onnx-format/build-estimators.js';
export { ONNX_IR_VERSION, ONNX_OPSET } from '../models/onnx-format/graph-builder.js';
export type { InputExample } from '../models/package/input-example.js';
export { MLFLOW_ENVIRONMENT } from '../models/package/mlflow-environment.js';
export { ONNX_MODEL_FILE, type SaveModelOptions, saveModel } from '../models/package/save-model.js';
export {
  type ColumnSpec,
  type ColumnType,
  columnSchema,
  type ModelSignature,
  type ParamSpec,
  type Schema,
  type TensorSpec,
  tensorSchema,
} from '../models/signature/model-signature.js';
export {
  argmax,
  fitLinearRegression,
  fitLogisticRegression,
  fitSoftmaxRegression,
  type GradientDescentOptions,
  type LinearParams,
  predictLinear,
  predictLogistic,
  predictSoftmaxLabels,
  predictSoftmaxProbabilities,
  type SoftmaxParams,
} from '../models/training/linear-models.js';
export { accuracy, logLoss, rmse } from '../models/training/metrics.js';
export {
  fitMlpClassifier,
  type MlpClassifier,
  type MlpOptions,
  predictMlpLabels,
  predictMlpProbabilities,
} from '../models/training/mlp.js';
export { permutation, seededRandom } from '../models/training/seeded-random.js';
export { applyScaler, fitStandardScaler, type Matrix } from '../models/training/standard-scaler.js';
