import type { DeploymentSpec } from '../deployment-spec.js';
import { objectMetadata } from './labels.js';
import { POD_SECURITY_CONTEXT, podVolumes, serverContainer } from './server-container.js';
import type { Manifest } from './workload-manifests.js';

/**
 * A KServe InferenceService (serving.kserve.io/v1beta1) with a custom container predictor: the same digest-pinned
 * Slipway image as the Deployment. Why not KServe's onnx/triton runtime: it would need the model in a storageUri
 * (a bucket or volume) laid out as a Triton model repository, and would serve without Slipway's /invocations,
 * /predict, prediction logging and metrics; the custom container keeps one tested artefact (the image, model baked
 * in by digest) and still speaks the Open Inference Protocol v2 (/v2/…) KServe clients use. RawDeployment mode:
 * a plain Deployment and HPA, no Knative needed; KServe owns the workload, so `--kserve` writes only this object.
 */
export function inferenceServiceManifest(spec: DeploymentSpec): Manifest {
  const metadata = objectMetadata(spec);
  const container = serverContainer(spec, 'kserve-container');
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      ...metadata,
      annotations: { ...(metadata.annotations as object), 'serving.kserve.io/deploymentMode': 'RawDeployment' },
    },
    spec: {
      predictor: {
        minReplicas: spec.replicas,
        maxReplicas: spec.maxReplicas,
        scaleMetric: 'cpu',
        scaleTarget: 70,
        automountServiceAccountToken: false,
        securityContext: POD_SECURITY_CONTEXT,
        containers: [{ ...container, ports: [{ containerPort: spec.port, protocol: 'TCP' }] }],
        volumes: podVolumes(spec),
      },
    },
  };
}
