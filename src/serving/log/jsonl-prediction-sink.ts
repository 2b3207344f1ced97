import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PredictionLogEntry, PredictionSink } from './prediction-log.js';

/**
 * Appends each entry as one JSON line to a local file (created with its folder if missing, mode 0600: it holds
 * what clients sent). Feedback lines sit beside predictions and join them by request_id.
 */
export async function openJsonlPredictionSink(file: string): Promise<PredictionSink> {
  await mkdir(dirname(file), { recursive: true });
  const handle: FileHandle = await open(file, 'a', 0o600);
  const writeJson = async (entries: readonly string[]): Promise<void> => {
    if (entries.length === 0) return;
    await handle.appendFile(`${entries.join('\n')}\n`, 'utf8');
  };
  return {
    write: (entries: readonly PredictionLogEntry[]) => writeJson(entries.map((entry) => JSON.stringify(entry))),
    writeJson,
    close: () => handle.close(),
  };
}

/** Keeps entries in memory (tests, embedding). */
export function memoryPredictionSink(): PredictionSink & { readonly entries: PredictionLogEntry[] } {
  const entries: PredictionLogEntry[] = [];
  return {
    entries,
    write: async (batch) => {
      entries.push(...batch);
    },
    close: async () => {},
  };
}
