/**
 * The public SDK entry of the `slipway` package. For now: the error family and the configuration loader.
 * Nothing here loads a database driver, an HTTP server or a cloud SDK.
 */

export type { Config, ConfigLayer, LogLevel, ServerConfig } from './config/config-schema.js';
export { ENV_VARIABLES, type Env } from './config/env-layer.js';
export { type LoadConfigOptions, loadConfig } from './config/load-config.js';
export { slipwayVersion } from './config/slipway-version.js';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorResponse,
  errorCodeSchema,
  errorResponseSchema,
} from './contract/error-codes.js';
export {
  alreadyExists,
  corruptObject,
  invalidParameter,
  isSlipwayError,
  notFound,
  SlipwayError,
  type SlipwayErrorOptions,
  toSlipwayError,
} from './domain/errors.js';
