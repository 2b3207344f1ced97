import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Env } from '../config/env-layer.js';

/** What a command may use besides its arguments: streams, environment and where it runs. */
export interface CliContext {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Env;
  readonly cwd: string;
  /** The user's home directory (holds `~/.slipway/config.yaml`). */
  readonly homeDir: string;
  /** True when the global `--json` flag was given: print one JSON value, no progress, no colour. */
  readonly json: boolean;
  readonly version: string;
}

/** A command group's module: adds its command(s), with their options and actions, to the program. */
export interface CommandModule {
  register(program: Command, context: CliContext): void;
}

/** The command table entry: a one-line summary for `--help`, and the module, loaded only when it runs. */
export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

export type CommandTable = Readonly<Record<string, CommandEntry>>;
