import { SlipwayError } from '../../domain/errors.js';
import type { PredictionLogEntry, PredictionSink } from './prediction-log.js';

export const PREDICTIONS_PATH = '/api/v1/predictions';

export interface HttpSinkOptions {
  /** Entries per POST (the control plane's body limit bounds a batch's bytes). */
  readonly chunkEntries?: number;
  readonly timeoutMs?: number;
}

/** The control plane's base URL: http(s) only, no credentials in it, no query or fragment. */
export function predictionsUrl(base: string): URL {
  const url = URL.canParse(base) ? new URL(base) : undefined;
  const ok = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:');
  if (!ok || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new SlipwayError('INVALID_PARAMETER_VALUE', `'${base.slice(0, 200)}' is not a Slipway server URL.`, {
      hint: 'Give the control plane as http(s)://host:port, without credentials, query or fragment.',
    });
  }
  return new URL(`${url.pathname.replace(/\/+$/, '')}${PREDICTIONS_PATH}`, url);
}

/**
 * Sends prediction-log batches to the control plane (`POST /api/v1/predictions`), stored in its metadata
 * database. A failed POST rejects, so the log keeps the entries for its next flush.
 */
export function httpPredictionSink(base: string, options: HttpSinkOptions = {}): PredictionSink {
  const url = predictionsUrl(base);
  const chunk = options.chunkEntries ?? 500;
  /** Posts entries given as JSON texts: the body is `{"entries":[…]}`. */
  const post = async (entries: readonly string[]) => {
    const reply = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"entries":[${entries.join(',')}]}`,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    await reply.arrayBuffer();
    if (!reply.ok) {
      throw new SlipwayError(
        'TEMPORARILY_UNAVAILABLE',
        `The control plane refused a prediction batch (${reply.status}).`,
      );
    }
  };
  const writeJson = async (entries: readonly string[]) => {
    for (let i = 0; i < entries.length; i += chunk) await post(entries.slice(i, i + chunk));
  };
  return {
    write: (entries: readonly PredictionLogEntry[]) => writeJson(entries.map((entry) => JSON.stringify(entry))),
    writeJson,
    close: async () => {},
  };
}
