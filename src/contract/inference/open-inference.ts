import { z } from 'zod';

/**
 * The Open Inference Protocol v2 (KServe / Triton) REST messages, JSON form. Tensor `data` is left unparsed
 * here (nested or flat arrays, checked element by element against the model input when converted).
 */

/** OIP datatypes Slipway feeds and returns (FP16 and BF16 have no JSON form worth the name). */
export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];

export const OIP_LIMITS = { maxNameLength: 256, maxRank: 32, maxTensors: 1024, maxParameters: 64 } as const;

const name = z.string().min(1).max(OIP_LIMITS.maxNameLength);

export const oipParametersSchema = z
  .record(z.string().max(OIP_LIMITS.maxNameLength), z.union([z.string().max(4096), z.number(), z.boolean()]))
  .refine((value) => Object.keys(value).length <= OIP_LIMITS.maxParameters, {
    message: `at most ${OIP_LIMITS.maxParameters} parameters`,
  });

/** The binary tensor extension's parameter: this tensor's bytes follow the JSON header (no `data`). */
export const BINARY_DATA_SIZE = 'binary_data_size';

export const oipRequestInputSchema = z
  .object({
    name,
    shape: z.array(z.number().int().min(0)).max(OIP_LIMITS.maxRank),
    datatype: z.enum(OIP_DATATYPES, { error: `must be one of ${OIP_DATATYPES.join(', ')}` }),
    parameters: oipParametersSchema.optional(),
    data: z.array(z.unknown(), { error: 'must be an array (flat or nested, row-major)' }).optional(),
  })
  .refine((input) => (input.data === undefined) !== (input.parameters?.[BINARY_DATA_SIZE] === undefined), {
    message: `needs either data or parameters.${BINARY_DATA_SIZE} (binary tensor extension), not both`,
  });

export const oipRequestOutputSchema = z.object({ name, parameters: oipParametersSchema.optional() });

export const oipInferenceRequestSchema = z.object({
  id: z.string().max(OIP_LIMITS.maxNameLength).optional(),
  parameters: oipParametersSchema.optional(),
  inputs: z.array(oipRequestInputSchema).min(1).max(OIP_LIMITS.maxTensors),
  outputs: z.array(oipRequestOutputSchema).max(OIP_LIMITS.maxTensors).optional(),
});

export type OipInferenceRequest = z.infer<typeof oipInferenceRequestSchema>;
export type OipRequestInput = z.infer<typeof oipRequestInputSchema>;

/** An output; `data` is absent when its bytes follow the JSON (parameters.binary_data_size). */
export const oipResponseOutputSchema = z.object({
  name,
  shape: z.array(z.number().int().min(0)),
  datatype: z.enum(OIP_DATATYPES),
  parameters: oipParametersSchema.optional(),
  data: z.array(z.unknown()).optional(),
});

export const oipInferenceResponseSchema = z.object({
  model_name: name,
  model_version: z.string().optional(),
  id: z.string().optional(),
  parameters: oipParametersSchema.optional(),
  outputs: z.array(oipResponseOutputSchema),
});

export type OipInferenceResponse = z.infer<typeof oipInferenceResponseSchema>;
export type OipResponseOutput = z.infer<typeof oipResponseOutputSchema>;

/** `$metadata_tensor`: -1 marks a dimension of any size. */
export const oipTensorMetadataSchema = z.object({
  name,
  datatype: z.enum(OIP_DATATYPES),
  shape: z.array(z.number().int().min(-1)),
});

export type OipTensorMetadata = z.infer<typeof oipTensorMetadataSchema>;

export const oipServerMetadataSchema = z.object({
  name: z.string(),
  version: z.string(),
  extensions: z.array(z.string()),
});

export const oipModelMetadataSchema = z.object({
  name,
  versions: z.array(z.string()).optional(),
  platform: z.string(),
  inputs: z.array(oipTensorMetadataSchema),
  outputs: z.array(oipTensorMetadataSchema),
});

export type OipModelMetadata = z.infer<typeof oipModelMetadataSchema>;

export const oipServerLiveSchema = z.object({ live: z.boolean() });
export const oipServerReadySchema = z.object({ ready: z.boolean() });
export const oipModelReadySchema = z.object({ name, ready: z.boolean() });

/** Every OIP failure: an HTTP error status and this body. */
export const oipErrorSchema = z.object({ error: z.string() });
