import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type OipInferenceRequest,
  type OipModelMetadata,
  oipInferenceRequestSchema,
} from '../../contract/inference/open-inference.js';
import { quoted, scoringError } from '../../models/scoring/scoring-error.js';
import type { ServedVersion } from '../engine/served-version.js';
import { headerValue } from '../http/http-guards.js';
import { markServed, parseBody, requestContext } from '../http/route-support.js';
import type { InferenceService } from '../inference-service.js';
import {
  BINARY_EXTENSION,
  binaryAnswer,
  binaryOutputNames,
  INFERENCE_HEADER_LENGTH,
  splitBinaryBody,
} from './oip-binary.js';
import { oipFeeds, oipOutputs, tensorMetadata } from './oip-tensors.js';

interface ModelParams {
  readonly name: string;
  readonly version?: string;
}

const OIP = { serving: { errors: 'oip' } } as const;
const OIP_INFER = { serving: { errors: 'oip', inference: true, binary: true } } as const;

/** `onnx_onnxv1`: OIP's `<project>_<format>` platform name for the flavor. */
const platformOf = (served: ServedVersion) => (served.model.flavor === 'onnx' ? 'onnx_onnxv1' : served.model.flavor);

function metadata(service: InferenceService, params: ModelParams): OipModelMetadata {
  const deployment = service.model(params.name);
  const served = deployment.describe(params.version);
  return {
    name: deployment.name,
    versions: params.version === undefined ? deployment.versions().map((v) => v.version) : [served.version],
    platform: platformOf(served),
    inputs: served.model.inputs.map(tensorMetadata),
    outputs: served.model.outputs.map(tensorMetadata),
  };
}

function modelReady(service: InferenceService, params: ModelParams): { name: string; ready: boolean } {
  const deployment = service.model(params.name);
  const ready = params.version === undefined ? deployment.ready : deployment.find(params.version) !== undefined;
  return { name: deployment.name, ready };
}

function checkOutputs(request: OipInferenceRequest, served: ServedVersion): void {
  const known = new Set(served.model.outputs.map((o) => o.name));
  const unknown = (request.outputs ?? []).filter((o) => !known.has(o.name)).map((o) => quoted(o.name));
  if (unknown.length > 0) {
    throw scoringError(`Unknown outputs ${unknown.join(', ')}; the model has ${[...known].map(quoted).join(', ')}.`);
  }
}

/** The request's JSON, and the bytes of its binary inputs (binary tensor extension). */
function readInferRequest(request: FastifyRequest) {
  if (!Buffer.isBuffer(request.body)) {
    return {
      body: parseBody(oipInferenceRequestSchema, request.body, 'inference'),
      bytes: new Map<string, Uint8Array>(),
    };
  }
  const split = splitBinaryBody(request.body, headerValue(request, INFERENCE_HEADER_LENGTH));
  const body = parseBody(oipInferenceRequestSchema, split.json, 'inference');
  return { body, bytes: split.bytes(body) };
}

async function infer(service: InferenceService, request: FastifyRequest, reply: FastifyReply) {
  const params = request.params as ModelParams;
  const { body, bytes } = readInferRequest(request);
  const answer = await service.infer(
    {
      ...requestContext(request),
      model: params.name,
      version: params.version,
      toFeeds: (served) => {
        checkOutputs(body, served);
        return oipFeeds(body, served.model.inputs, bytes);
      },
    },
    markServed(reply),
  );
  const binary = binaryOutputNames(body, Object.keys(answer.outputs));
  const response = {
    model_name: answer.served.name,
    model_version: answer.served.version,
    ...(body.id === undefined ? {} : { id: body.id }),
    outputs: oipOutputs(answer.outputs, body.outputs, binary),
  };
  if (binary.size === 0) return response;
  const encoded = binaryAnswer(response, answer.outputs, binary);
  return reply
    .header(INFERENCE_HEADER_LENGTH, String(encoded.headerLength))
    .type('application/octet-stream')
    .send(encoded.body);
}

/** The Open Inference Protocol v2 REST endpoints (JSON tensors). */
export function registerOipRoutes(app: FastifyInstance, service: InferenceService, version: string): void {
  app.get('/v2', { config: OIP }, async () => ({ name: 'slipway', version, extensions: [BINARY_EXTENSION] }));
  app.get('/v2/health/live', { config: OIP }, async () => ({ live: true }));
  app.get('/v2/health/ready', { config: OIP }, async (_request, reply) =>
    reply.code(service.ready ? 200 : 400).send({ ready: service.ready }),
  );
  for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get(base, { config: OIP }, async (request) => metadata(service, request.params as ModelParams));
    app.get(`${base}/ready`, { config: OIP }, async (request, reply) => {
      const answer = modelReady(service, request.params as ModelParams);
      return reply.code(answer.ready ? 200 : 400).send(answer);
    });
    app.post(`${base}/infer`, { config: OIP_INFER }, (request, reply) => infer(service, request, reply));
  }
}
