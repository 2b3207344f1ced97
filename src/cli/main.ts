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
