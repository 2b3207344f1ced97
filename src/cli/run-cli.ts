import { Command, CommanderError } from 'commander';
import { SlipwayError } from '../domain/errors.js';
import type { CliContext, CommandTable } from './cli-context.js';
import { EXIT } from './exit-codes.js';
import { renderError } from './render-error.js';

/** Thrown by a command that ends with a status of its own, already reported (`runs start` exits as its child). */
export class CommandExit extends Error {
  constructor(readonly status: number) {
    super(`exit status ${status}`);
  }
}

export interface RunCliOptions extends Omit<CliContext, 'json'> {
  readonly commands: CommandTable;
}

/** Whether `--json` appears among the options (before any `--`). Known before parsing, so errors honour it. */
export const wantsJson = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
};

/** The command named on the line (`slipway help <name>` counts), if any. */
function requestedCommand(argv: readonly string[]): string | undefined {
  const positional = argv.filter((arg) => !arg.startsWith('-'));
  return positional[0] === 'help' ? positional[1] : positional[0];
}

function createProgram(context: CliContext): Command {
  return new Command('slipway')
    .description('Version data and models, track experiments, register, deploy, serve and monitor ML models.')
    .version(context.version, '-V, --version', 'print the version')
    .option('--json', 'print machine-readable JSON (errors too)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      outputError: () => {},
    });
}

/** Adds every command: the requested one fully (its module is imported), the others as help stubs. */
async function addCommands(program: Command, commands: CommandTable, argv: readonly string[], context: CliContext) {
  const requested = requestedCommand(argv);
  for (const [name, entry] of Object.entries(commands)) {
    if (name === requested) (await entry.load()).register(program, context);
    else program.command(name).description(entry.summary);
  }
}

function usageError(error: CommanderError): SlipwayError {
  return new SlipwayError('BAD_REQUEST', error.message.replace(/^error: /, ''), {
    hint: 'Run `slipway --help`, or `slipway <command> --help`, for usage.',
  });
}

/** Parses and runs one command line; returns the exit status. Errors are rendered, never thrown. */
export async function runCli(argv: readonly string[], options: RunCliOptions): Promise<number> {
  const context: CliContext = { ...options, json: wantsJson(argv) };
  const report = (error: unknown) => renderError(error, { json: context.json, stream: context.stderr });
  try {
    const program = createProgram(context);
    await addCommands(program, options.commands, argv, context);
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommandExit) return error.status;
    if (!(error instanceof CommanderError)) return report(error);
    if (error.exitCode === 0) return EXIT.ok;
    return error.code.startsWith('commander.help') ? EXIT.usage : report(usageError(error));
  }
}
