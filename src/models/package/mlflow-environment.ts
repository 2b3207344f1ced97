/**
 * What `saveModel` writes for Python consumers of the package (`mlflow models serve`, `mlflow.pyfunc.load_model`):
 * the versions MLflow would have recorded had it saved the model itself. The ONNX written by slipway/onnx is IR 8,
 * opset 13, which every onnx ≥ 1.10 and onnxruntime ≥ 1.10 reads; the pins below are a known-good set.
 */
export const MLFLOW_ENVIRONMENT = {
  mlflowVersion: '2.16.2',
  onnxVersion: '1.16.2',
  onnxruntimeVersion: '1.19.2',
  pythonVersion: '3.11.9',
  pipVersion: '24.2',
  setuptoolsVersion: '74.1.2',
  wheelVersion: '0.44.0',
} as const;

/** mlflow.onnx's default execution providers, written into `flavors.onnx.providers`. */
export const ONNX_EXECUTION_PROVIDERS = ['CUDAExecutionProvider', 'CPUExecutionProvider'] as const;

const env = MLFLOW_ENVIRONMENT;

export const REQUIREMENTS_TXT = [
  `mlflow==${env.mlflowVersion}`,
  `onnx==${env.onnxVersion}`,
  `onnxruntime==${env.onnxruntimeVersion}`,
].join('\n');

/** `python_env.yaml` as `_PythonEnv.to_yaml` writes it. */
export const PYTHON_ENV_YAML = `python: ${env.pythonVersion}
build_dependencies:
- pip==${env.pipVersion}
- setuptools==${env.setuptoolsVersion}
- wheel==${env.wheelVersion}
dependencies:
- -r requirements.txt
`;

/** `conda.yaml` as `_mlflow_conda_env` writes it (yaml.safe_dump, keys sorted). */
export const CONDA_YAML = `channels:
- conda-forge
dependencies:
- python=${env.pythonVersion}
- pip<=${env.pipVersion}
- pip:
  - mlflow==${env.mlflowVersion}
  - onnx==${env.onnxVersion}
  - onnxruntime==${env.onnxruntimeVersion}
name: mlflow-env
`;

/** Python's `str(datetime.utcnow())`: `2025-11-06 03:46:33.071805` (no fraction when it is zero). */
export function pythonUtcNow(date: Date = new Date()): string {
  const iso = date.toISOString();
  const micros = date.getUTCMilliseconds() * 1000;
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return micros === 0 ? base : `${base}.${String(micros).padStart(6, '0')}`;
}
