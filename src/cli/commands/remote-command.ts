import type { Command } from 'commander';
import type { Config } from '../../config/config-schema.js';
import { addRemote, listRemotes, removeRemote, setDefaultRemote } from '../../data/remote/manage-remotes.js';
import { notAWorkspace } from '../../data/workspace/workspace.js';
import type { CliContext, CommandModule } from '../cli-context.js';
import { print } from './data-command-support.js';
import { loadCliConfig } from './remote-command-support.js';

interface AddOptions {
  readonly default?: boolean;
  readonly force?: boolean;
}

const workspaceRootOf = (config: Config): string => {
  if (config.workspaceRoot === undefined) throw notAWorkspace();
  return config.workspaceRoot;
};

async function runAdd(name: string, url: string, options: AddOptions, context: CliContext): Promise<void> {
  const config = await loadCliConfig(context);
  const input = { name, url, cwd: context.cwd, makeDefault: options.default === true, force: options.force === true };
  const entry = await addRemote(workspaceRootOf(config), config, input);
  print(context, entry, [`Added remote ${entry.name} (${entry.url})${entry.isDefault ? ', the default' : ''}.`]);
}

async function runList(context: CliContext): Promise<void> {
  const remotes = listRemotes(await loadCliConfig(context));
  const lines = remotes.map((r) => `${r.isDefault ? '*' : ' '} ${r.name.padEnd(16)} ${r.url}`);
  print(
    context,
    { remotes },
    lines.length > 0 ? lines : ['No remotes. Add one with `slipway remote add <name> <url>`.'],
  );
}

async function runRemove(name: string, context: CliContext): Promise<void> {
  const config = await loadCliConfig(context);
  const { wasDefault } = await removeRemote(workspaceRootOf(config), config, name);
  print(context, { name, wasDefault }, [
    `Removed remote ${name}${wasDefault ? '; there is no default remote now' : ''}.`,
  ]);
}

async function runDefault(name: string | undefined, context: CliContext): Promise<void> {
  const config = await loadCliConfig(context);
  if (name === undefined) {
    const current = config.core.remote;
    print(context, { default: current ?? null }, [current ?? 'No default remote.']);
    return;
  }
  await setDefaultRemote(workspaceRootOf(config), config, name);
  print(context, { default: name }, [`The default remote is now ${name}.`]);
}

/** `slipway remote add|list|remove|default`: the workspace's data remotes, in .slipway/config.yaml. */
export const remoteCommand: CommandModule = {
  register(program: Command, context: CliContext): void {
    const remote = program.command('remote').description('manage data remotes (folders, S3 buckets, Slipway servers)');
    remote
      .command('add')
      .description('add a remote: a folder, file://…, s3://bucket/prefix or http(s)://slipway-server')
      .argument('<name>', 'a-z, 0-9, _ and -')
      .argument('<url>', 'where the objects go')
      .option('-d, --default', 'make it the default remote')
      .option('-f, --force', 'replace the URL of an existing remote of that name')
      .action((name: string, url: string, options: AddOptions) => runAdd(name, url, options, context));
    remote
      .command('list')
      .description('list remotes (* marks the default)')
      .action(() => runList(context));
    remote
      .command('remove')
      .description('forget a remote (its objects stay where they are)')
      .argument('<name>')
      .action((name: string) => runRemove(name, context));
    remote
      .command('default')
      .description('show the default remote, or set it')
      .argument('[name]')
      .action((name: string | undefined) => runDefault(name, context));
  },
};
