import { type Command, InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS, type LogLevel } from '../../config/config-schema.js';
import { folderModelSource } from '../../serving/source/model-source.js';
import { registryModelSource } from '../../serving/source/registry-model-source.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { openDeploymentsForCli } from './deployments-command-support.js';
import { fetchModelForCli } from './model-fetch-support.js';
import {
  checkServeTarget,
  type DeploymentRef,
  parseDeploymentRef,
  parsePollInterval,
} from './serve-deployment-support.js';
import { parseList, parsePort } from './server-command.js';

interface ServeFlags {
  readonly deployment?: DeploymentRef;
  readonly pollInterval: number;
  readonly port: number;
  readonly host: string;
  readonly trackingUri?: string;
  readonly name?: string;
  readonly modelVersion?: string;
  readonly canary: { uri: string; weight: number }[];
  readonly shadow: string[];
  readonly stickyHeader?: string;
  readonly batching: boolean;
  readonly maxBatchRows?: number;
  readonly maxBatchDelayMs?: number;
  readonly maxQueueRows?: number;
  readonly queueTimeoutMs?: number;
  readonly predictionLog?: string;
  readonly logSampleRate?: number;
  readonly maxBodyBytes?: number;
  readonly allowedHosts?: string[];
  readonly threads?: number;
  readonly logLevel: LogLevel;
}

const integer =
  (min: number, max: number) =>
  (value: string): number => {
    if (!/^\d{1,12}$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}.`);
    }
    return Number(value);
  };

function fraction(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !(number >= 0 && number <= 1))
    throw new InvalidArgumentError('must be a number from 0 to 1.');
  return number;
}

/** `<uri>=<percent>`: a canary version and its share of the traffic. */
function canary(value: string, previous: { uri: string; weight: number }[]) {
  const at = value.lastIndexOf('=');
  const weight = Number(value.slice(at + 1));
  if (at <= 0 || !(weight >= 0 && weight <= 100)) {
    throw new InvalidArgumentError('must be <folder>=<percent>, the percent from 0 to 100.');
  }
  return [...previous, { uri: value.slice(0, at), weight }];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--prediction-log`: a Slipway server URL, or a local JSONL file. */
const predictionLog = (target: string, sampleRate: number | undefined) => ({
  ...(/^https?:\/\//i.test(target) ? { server: target } : { file: target }),
  ...(sampleRate === undefined ? {} : { sampleRate }),
});

type StartServing = typeof import('../../serving/serve-main.js')['startServing'];
type ServeCommon = Omit<Parameters<StartServing>[0], 'model' | 'deployment'>;

/** What both forms of `serve` share: where to listen, how to batch and log, the registry source. */
function commonOptions(flags: ServeFlags, context: CliContext, logger: ServeCommon['logger']): ServeCommon {
  const folders = folderModelSource({ name: flags.name, version: flags.modelVersion }, context.cwd);
  const fetchModel = (uri: string) => fetchModelForCli(context, uri, flags.trackingUri);
  return {
    resolver: registryModelSource(fetchModel, folders),
    host: flags.host,
    port: flags.port,
    batching: {
      enabled: flags.batching,
      ...(flags.maxBatchRows === undefined ? {} : { maxBatchRows: flags.maxBatchRows }),
      ...(flags.maxBatchDelayMs === undefined ? {} : { maxDelayMs: flags.maxBatchDelayMs }),
      ...(flags.maxQueueRows === undefined ? {} : { maxQueueRows: flags.maxQueueRows }),
      ...(flags.queueTimeoutMs === undefined ? {} : { queueTimeoutMs: flags.queueTimeoutMs }),
    },
    flavor: flags.threads === undefined ? {} : { intraOpNumThreads: flags.threads, interOpNumThreads: 1 },
    ...(flags.predictionLog === undefined
      ? {}
      : { predictionLog: predictionLog(flags.predictionLog, flags.logSampleRate) }),
    ...(flags.maxBodyBytes === undefined ? {} : { bodyLimitBytes: flags.maxBodyBytes }),
    ...(flags.allowedHosts === undefined ? {} : { allowedHosts: flags.allowedHosts }),
    version: context.version,
    logger,
  };
}

async function runServe(model: string | undefined, flags: ServeFlags, context: CliContext): Promise<void> {
  checkServeTarget(model, flags);
  const { startServing, createServeLogger } = await import('../../serving/serve-main.js');
  const common = commonOptions(flags, context, createServeLogger(flags.logLevel));
  if (flags.deployment !== undefined) return followDeployment(startServing, common, flags.deployment, flags, context);
  const serving = await startServing({
    ...common,
    model: model ?? '',
    name: flags.name,
    modelVersion: flags.modelVersion,
    canary: flags.canary,
    shadow: flags.shadow,
    stickyHeader: flags.stickyHeader,
  });
  const { name, version } = serving.service.model().describe();
  const line = context.json
    ? JSON.stringify({ url: serving.url, model: name, version })
    : `Serving ${name} version ${version} on ${serving.url} (POST /invocations, /predict, /v2/models/${name}/infer)`;
  context.stdout.write(`${line}\n`);
}

/** `serve --deployment`: listens at once; traffic starts when the first revision is loaded (GET /deployment). */
async function followDeployment(
  startServing: StartServing,
  common: ServeCommon,
  { model, environment }: DeploymentRef,
  flags: ServeFlags,
  context: CliContext,
): Promise<void> {
  const client = await openDeploymentsForCli(
    context,
    flags.trackingUri === undefined ? {} : { trackingUri: flags.trackingUri },
  );
  // startServing owns the client from here: it closes it when the server closes or fails to start.
  const serving = await startServing({
    ...common,
    deployment: { client, model, environment, pollIntervalMs: flags.pollInterval, closeClient: true },
  });
  const name = serving.service.model().name;
  const line = context.json
    ? JSON.stringify({ url: serving.url, model, environment })
    : `Following the deployment ${model}/${environment} on ${serving.url} (GET /deployment; POST /invocations, /predict, /v2/models/${name}/infer)`;
  context.stdout.write(`${line}\n`);
}

/** `slipway serve <model>` or `slipway serve --deployment <model>/<environment>`: until SIGTERM or Ctrl-C. */
export const serveCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    program
      .command('serve')
      .description('serve a model (MLflow scoring protocol, /predict, Open Inference Protocol v2, /metrics)')
      .argument('[model]', 'models:/<name>@<alias>, models:/<name>/<version|semver>, or a local model folder')
      .option(
        '--deployment <model/environment>',
        'follow a deployment instead of serving one model: apply each new revision by hot swap',
        parseDeploymentRef,
      )
      .option('--poll-interval <duration>', 'how often --deployment is read (500ms, 1s, 2m)', parsePollInterval, 1000)
      .option('-p, --port <port>', 'port to listen on; 0 picks a free one', parsePort, 5000)
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option(
        '--tracking-uri <uri>',
        'the registry (and deployments) for models:/ URIs (default: $SLIPWAY_TRACKING_URI, else the configured metadata.uri)',
      )
      .option('--name <name>', 'served model name (default: the folder name)')
      .option('--model-version <version>', 'served version label (default 1)')
      .option('--canary <folder=percent>', 'another version taking this percent of traffic (repeatable)', canary, [])
      .option(
        '--shadow <folder>',
        'a version mirrored every request, its answers only logged (repeatable)',
        collect,
        [],
      )
      .option('--sticky-header <name>', 'route by the hash of this request header (sticky A/B)')
      .option('--no-batching', 'run every request as its own inference call')
      .option('--max-batch-rows <n>', 'rows per batched inference call (default 256)', integer(1, 1_000_000))
      .option('--max-batch-delay-ms <ms>', 'wait this long to fill a batch when idle (default 0)', integer(0, 10_000))
      .option('--max-queue-rows <n>', 'rows waiting beyond this get 503 (default 100000)', integer(1, 100_000_000))
      .option('--queue-timeout-ms <ms>', 'a request waiting longer gets 503 (default 5000)', integer(1, 600_000))
      .option('--prediction-log <file|url>', 'log predictions (and feedback) to a JSONL file or a Slipway server')
      .option('--log-sample-rate <rate>', 'fraction of predictions logged (default 1)', fraction)
      .option('--max-body-bytes <n>', 'largest request body; larger gets 413 (default 32 MiB)', integer(1, 2 ** 31))
      .option('--allowed-hosts <list>', 'comma-separated Host header allowlist (* for any)', parseList)
      .option('--threads <n>', 'onnxruntime threads per inference call (default 1)', integer(1, 256))
      .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
      .action((model: string | undefined, flags: ServeFlags) => runServe(model, flags, context));
  },
};
