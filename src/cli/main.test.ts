import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-cli-'));
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** The environment of a user with an empty home and only the given SLIPWAY_* variables. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLIPWAY_')));
  return { ...env, HOME: dir, ...extra };
}

function launch(args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, env: cleanEnv(extraEnv) });
  children.push(child);
  return child;
}

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(child: ChildProcess): { output: { stdout: string; stderr: string }; done: Promise<Finished> } {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk.toString();
  });
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, ...output })));
  return { output, done };
}

const runToEnd = (args: string[], env: Record<string, string> = {}) => collect(launch(args, env)).done;

function waitFor(check: () => RegExpMatchArray | null, done: Promise<Finished>): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const match = check();
      if (match !== null) {
        clearInterval(timer);
        resolve(match);
      }
    }, 50);
    done.then((result) => {
      clearInterval(timer);
      reject(new Error(`exited early with ${result.code}: ${result.stderr}`));
    });
  });
}

describe('slipway (spawned)', () => {
  it('prints the package version', async () => {
    const result = await runToEnd(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(PACKAGE.version);
  });

  it('serves until SIGTERM, then shuts down gracefully with exit 0', async () => {
    const home = join(dir, 'slipway-home');
    const child = launch(['server', '--port', '0'], { SLIPWAY_HOME: home });
    const { output, done } = collect(child);
    const [, url] = await waitFor(() => output.stdout.match(/Slipway server listening on (http:\/\/\S+)\n/), done);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(existsSync(join(home, 'slipway.db'))).toBe(true);
    expect(result.stderr).toContain('shutting down');
  });

  it('prints the URL as JSON with --json', async () => {
    const child = launch(['--json', 'server', '--port', '0'], { SLIPWAY_HOME: join(dir, 'h') });
    const { output, done } = collect(child);
    const [line] = await waitFor(() => output.stdout.match(/^\{.*\}\n/), done);
    expect(JSON.parse(line)).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });

  it('refuses a non-loopback bind without --insecure (exit 2, names the flag)', async () => {
    const result = await runToEnd(['server', '--host', '0.0.0.0', '--port', '0'], { SLIPWAY_HOME: join(dir, 'h') });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: Refusing to listen on 0.0.0.0');
    expect(result.stderr).toMatch(/hint: .*--insecure/);
    expect(existsSync(join(dir, 'h', 'slipway.db'))).toBe(false);
  });

  it('renders errors as JSON with --json', async () => {
    const result = await runToEnd(['server', '--host', '0.0.0.0', '--json'], { SLIPWAY_HOME: join(dir, 'h') });
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stderr) as Record<string, string>;
    expect(error.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.hint).toContain('--insecure');
  });

  it('reports a bad environment variable by name (exit 2)', async () => {
    const result = await runToEnd(['server'], { SLIPWAY_PORT: 'five' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SLIPWAY_PORT: must be a port number');
  });

  it('exits 2 on a bad flag value', async () => {
    const result = await runToEnd(['server', '--port', '99999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--port <port>' argument '99999' is invalid");
  });
});
