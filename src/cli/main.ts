import { homedir } from 'node:os';
import { slipwayVersion } from '../config/slipway-version.js';
import type { CommandTable } from './cli-context.js';
import { runCli } from './run-cli.js';

/** Every command: name → summary and module, imported only when that command runs (the CLI starts fast). */
const COMMANDS: CommandTable = {
  server: {
    summary: 'run the control-plane server (MLflow REST API)',
    load: async () => (await import('./commands/server-command.js')).serverCommand,
  },
  init: {
    summary: 'make the current directory a Slipway workspace',
    load: async () => (await import('./commands/init-command.js')).initCommand,
  },
  add: {
    summary: 'track files or directories (cache + <path>.slip pointer files)',
    load: async () => (await import('./commands/add-command.js')).addCommand,
  },
  status: {
    summary: 'show tracked data that differs from its pointer files',
    load: async () => (await import('./commands/status-command.js')).statusCommand,
  },
  checkout: {
    summary: 'make tracked data match the pointer files',
    load: async () => (await import('./commands/checkout-command.js')).checkoutCommand,
  },
  diff: {
    summary: 'per-file data changes between revisions or a revision and the workspace',
    load: async () => (await import('./commands/diff-command.js')).diffCommand,
  },
  ls: {
    summary: 'list tracked data',
    load: async () => (await import('./commands/ls-command.js')).lsCommand,
  },
  gc: {
    summary: 'delete unreferenced objects from the workspace cache',
    load: async () => (await import('./commands/gc-command.js')).gcCommand,
  },
  remote: {
    summary: 'manage data remotes: folders, S3 buckets, Slipway servers',
    load: async () => (await import('./commands/remote-command.js')).remoteCommand,
  },
  push: {
    summary: 'copy tracked data to a remote (only what it lacks)',
    load: async () => (await import('./commands/push-command.js')).pushCommand,
  },
  fetch: {
    summary: 'copy tracked data from a remote into the cache',
    load: async () => (await import('./commands/fetch-command.js')).fetchCommand,
  },
  pull: {
    summary: 'fetch tracked data from a remote and check it out',
    load: async () => (await import('./commands/pull-command.js')).pullCommand,
  },
  get: {
    summary: "download tracked data from another repository's remote",
    load: async () => (await import('./commands/get-command.js')).getCommand,
  },
  experiments: {
    summary: 'list, create and delete tracking experiments',
    load: async () => (await import('./commands/experiments-command.js')).experimentsCommand,
  },
  runs: {
    summary: 'list, show, compare and search tracked runs',
    load: async () => (await import('./commands/runs-command.js')).runsCommand,
  },
  repro: {
    summary: 'run the stale stages of the pipeline (slipway.yaml), each a tracked run',
    load: async () => (await import('./commands/repro-command.js')).reproCommand,
  },
  dag: {
    summary: 'print the pipeline graph (--dot for Graphviz)',
    load: async () => (await import('./commands/dag-command.js')).dagCommand,
  },
  exp: {
    summary: 'run the pipeline with params overrides (-S key=value) without editing params files',
    load: async () => (await import('./commands/exp-command.js')).expCommand,
  },
  params: {
    summary: 'compare the pipeline params between git revisions and the workspace',
    load: async () => (await import('./commands/params-command.js')).paramsCommand,
  },
  metrics: {
    summary: 'compare the pipeline metrics between git revisions and the workspace',
    load: async () => (await import('./commands/metrics-command.js')).metricsCommand,
  },
  models: {
    summary: 'register model versions, move aliases, read the audit trail, download pinned models',
    load: async () => (await import('./commands/models-command.js')).modelsCommand,
  },
  build: {
    summary: 'write a Docker build context or Kubernetes manifests serving a model (pinned by digest)',
    load: async () => (await import('./commands/build-command.js')).buildCommand,
  },
  ci: {
    summary: 'write a CI workflow (GitHub Actions, GitLab CI) that releases models on push',
    load: async () => (await import('./commands/ci-command.js')).ciCommand,
  },
  serve: {
    summary: 'serve a model: MLflow scoring protocol, /predict, Open Inference Protocol v2, /metrics',
    load: async () => (await import('./commands/serve-command.js')).serveCommand,
  },
  supervise: {
    summary: 'run and supervise the slipway serve process of every local deployment (no server needed)',
    load: async () => (await import('./commands/supervise-command.js')).superviseCommand,
  },
  release: {
    summary: "release the pipeline's model: repro, register, gates, staging, approval, canary rollout to production",
    load: async () => (await import('./commands/release-command.js')).releaseCommand,
  },
  promote: {
    summary: 'promote the version one environment serves to the next (its rollout, smoke tests and alias)',
    load: async () => (await import('./commands/release-command.js')).promoteCommand,
  },
  deploy: {
    summary: 'send a registered model version to an environment (all traffic, or a canary share)',
    load: async () => (await import('./commands/deploy-command.js')).deployCommand,
  },
  rollback: {
    summary: "send a deployment's traffic back to an earlier version",
    load: async () => (await import('./commands/rollback-command.js')).rollbackCommand,
  },
  deployments: {
    summary: 'list deployments, read their revision history, remove one',
    load: async () => (await import('./commands/deployments-command.js')).deploymentsCommand,
  },
};

/** The CLI's composition root: bin/slipway.js imports this module, which runs the command line. */
process.exitCode = await runCli(process.argv.slice(2), {
  commands: COMMANDS,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  homeDir: homedir(),
  version: slipwayVersion(),
});
