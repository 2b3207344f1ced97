import { type DeploymentSpec, workloadName } from '../deployment-spec.js';
import { modelAnnotations, objectMetadata, selectorLabels, standardLabels } from './labels.js';
import { POD_SECURITY_CONTEXT, podVolumes, serverContainer } from './server-container.js';

/** A Kubernetes object as plain data. */
export type Manifest = Record<string, unknown>;

/**
 * The Deployment. No `replicas`: the HorizontalPodAutoscaler owns the count (a fixed count here would be reset on
 * every `kubectl apply`). Rolling updates never take a ready pod away before its replacement is ready.
 */
export function deploymentManifest(spec: DeploymentSpec): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMetadata(spec),
    spec: {
      selector: { matchLabels: selectorLabels(spec) },
      revisionHistoryLimit: 10,
      minReadySeconds: 5,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: standardLabels(spec),
          annotations: { ...modelAnnotations(spec), ...scrapeAnnotations(spec) },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          securityContext: POD_SECURITY_CONTEXT,
          containers: [serverContainer(spec, 'server')],
          volumes: podVolumes(spec),
        },
      },
    },
  };
}

/** The conventional Prometheus scrape hints: `slipway serve` exposes /metrics on its port. */
const scrapeAnnotations = (spec: DeploymentSpec) => ({
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': String(spec.port),
  'prometheus.io/path': '/metrics',
});

/** A ClusterIP Service on port 80, forwarding to the server's port. */
export function serviceManifest(spec: DeploymentSpec): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMetadata(spec),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(spec),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** Scales between replicas and maxReplicas on CPU; scales down slowly (5 minutes of stable load). */
export function autoscalerManifest(spec: DeploymentSpec): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: objectMetadata(spec),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workloadName(spec) },
      minReplicas: spec.replicas,
      maxReplicas: spec.maxReplicas,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

/**
 * At most one pod down for voluntary disruptions (node drains, upgrades). `maxUnavailable: 1` rather than
 * `minAvailable`: with a single replica, `minAvailable: 1` would block every drain forever.
 */
export function disruptionBudgetManifest(spec: DeploymentSpec): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMetadata(spec),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(spec) } },
  };
}
