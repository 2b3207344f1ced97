import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../contract/error-codes.js';
import { notFound, SlipwayError } from '../domain/errors.js';
import type { CommandModule, CommandTable } from './cli-context.js';
import { EXIT_CODE } from './exit-codes.js';
import { runCli, wantsJson } from './run-cli.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

function failing(error: unknown): CommandModule {
  return {
    register: (program) => {
      program.command('fail').action(() => {
        throw error;
      });
    },
  };
}

async function run(argv: string[], module: CommandModule, loads = { count: 0 }) {
  const stdout = new Capture();
  const stderr = new Capture();
  const commands: CommandTable = {
    fail: {
      summary: 'always fails',
      load: async () => {
        loads.count++;
        return module;
      },
    },
    other: {
      summary: 'another command',
      load: async () => {
        loads.count++;
        return module;
      },
    },
  };
  const env = {};
  const code = await runCli(argv, { commands, stdout, stderr, env, cwd: '/', homeDir: '/', version: '7.7.7' });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('runCli', () => {
  it('prints the version', async () => {
    const result = await run(['--version'], failing(new Error('unused')));
    expect(result).toEqual({ code: 0, stdout: '7.7.7\n', stderr: '' });
  });

  it('lists commands in --help without loading their modules', async () => {
    const loads = { count: 0 };
    const result = await run(['--help'], failing(new Error('unused')), loads);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('fail');
    expect(result.stdout).toContain('another command');
    expect(loads.count).toBe(0);
  });

  it('loads only the requested command', async () => {
    const loads = { count: 0 };
    await run(['fail'], failing(notFound('x')), loads);
    expect(loads.count).toBe(1);
  });

  it('prints message and hint to stderr and exits with the code’s status', async () => {
    const error = notFound('Run abc does not exist.', { hint: 'List runs with `slipway runs list`.' });
    const result = await run(['fail'], failing(error));
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: Run abc does not exist.\nhint: List runs with `slipway runs list`.\n');
  });

  it('prints one JSON object with --json', async () => {
    const result = await run(['fail', '--json'], failing(notFound('Run abc does not exist.', { hint: 'h' })));
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr)).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Run abc does not exist.',
      hint: 'h',
    });
  });

  it('reports a bug as INTERNAL_ERROR (exit 1) with its cause', async () => {
    const result = await run(['fail'], failing(new TypeError('x is undefined')));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: An internal error occurred.');
    expect(result.stderr).toContain('cause: x is undefined');
  });

  it.each([
    [['nope'], "unknown command 'nope'"],
    [['fail', '--bogus'], "unknown option '--bogus'"],
  ])('exits 2 on usage errors (%j)', async (argv, message) => {
    const result = await run(argv, failing(new Error('unused')));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${message}`);
    expect(result.stderr).toContain('hint: Run `slipway --help`');
  });

  it('renders usage errors as JSON with --json', async () => {
    const result = await run(['--json', 'nope'], failing(new Error('unused')));
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error_code: 'BAD_REQUEST' });
  });

  it('uses the exit code table for every code', async () => {
    for (const code of ERROR_CODES) {
      const result = await run(['fail'], failing(new SlipwayError(code, 'm')));
      expect({ code, exit: result.code }).toEqual({ code, exit: EXIT_CODE[code] });
    }
  });
});

describe('EXIT_CODE', () => {
  it('is total, never 0, and follows docs/cli.md', () => {
    expect(Object.keys(EXIT_CODE).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect(EXIT_CODE[code]).toBeGreaterThan(0);
    expect(EXIT_CODE.INTERNAL_ERROR).toBe(1);
    expect(EXIT_CODE.INVALID_PARAMETER_VALUE).toBe(2);
    expect(EXIT_CODE.RESOURCE_DOES_NOT_EXIST).toBe(3);
    expect(EXIT_CODE.RESOURCE_ALREADY_EXISTS).toBe(4);
    expect(EXIT_CODE.TEMPORARILY_UNAVAILABLE).toBe(5);
    expect(EXIT_CODE.CORRUPT_OBJECT).toBe(6);
  });
});

describe('wantsJson', () => {
  it('sees --json anywhere before --', () => {
    expect(wantsJson(['server', '--json'])).toBe(true);
    expect(wantsJson(['server', '--', '--json'])).toBe(false);
  });
});
