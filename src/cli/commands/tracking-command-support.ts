import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { openTrackingClient } from '../../client/open-tracking-client.js';
import { loadConfig } from '../../config/load-config.js';
import type { TrackingClient } from '../../tracking/tracking-client.js';
import type { CliContext } from '../cli-context.js';

type Config = Awaited<ReturnType<typeof loadConfig>>;

export interface TrackingOptions {
  readonly trackingUri?: string;
}

/** Adds `--tracking-uri` to a tracking command. */
export const withTrackingUriOption = (command: Command): Command =>
  command.option(
    '--tracking-uri <uri>',
    'sqlite:///…, postgresql://… or http(s)://host:port (default: $SLIPWAY_TRACKING_URI, else the configured metadata.uri)',
  );

/**
 * Where tracking (and the registry, deployments…) is, for every client command: `--tracking-uri`, else
 * SLIPWAY_TRACKING_URI (what `slipway runs start` hands its command, and what CI secrets set), else the
 * configuration's metadata.uri. (`slipway server` reads only metadata.uri: it is the store, not a client of one.)
 */
export function trackingUriFor(context: CliContext, options: TrackingOptions, config: Config): string {
  const fromEnv = context.env.SLIPWAY_TRACKING_URI?.trim();
  return options.trackingUri ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv) ?? config.metadata.uri;
}

/** Opens the tracking client the options or the configuration name, runs `fn`, and closes it. */
export async function withTracking<T>(
  context: CliContext,
  options: TrackingOptions,
  fn: (client: TrackingClient) => Promise<T>,
): Promise<T> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const client = await openTrackingClient(trackingUriFor(context, options, config), {
    objectsUri: config.objects.uri,
  });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Prints `value` as JSON with --json, else the text lines. */
export function printResult(context: CliContext, value: unknown, lines: readonly string[]): void {
  if (context.json) context.stdout.write(`${JSON.stringify(value, jsonNumbers, 2)}\n`);
  else if (lines.length > 0) context.stdout.write(`${lines.join('\n')}\n`);
}

/** NaN and ±Infinity as MLflow writes them, so --json output stays valid JSON. */
function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** Aligned columns, header first. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

export const formatTime = (ms: number | null): string =>
  ms === null ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export function parsePositiveInt(value: string): number {
  const number = Number(value);
  if (Number.isSafeInteger(number) && number > 0) return number;
  throw new InvalidArgumentError('must be a positive integer.');
}

export const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

/** `key=value` → {key, value}. */
export function parseKeyValue(text: string): { key: string; value: string } {
  const at = text.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${text}".`);
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}
