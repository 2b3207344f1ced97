import { spawn } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { LOCK_FILE, parseLock, readLock } from './lock-file.js';
import { createPipelineWorkspace, NODE, type PipelineWorkspace } from './testing/pipeline-workspace.js';

const CHILD = fileURLToPath(new URL('./testing/repro-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let p: PipelineWorkspace;
afterEach(async () => {
  await p?.close();
});

// `slow` announces itself in started.txt, then (unless fast.txt exists) waits a minute before writing its out
const SLOW = `"const fs=require('fs');fs.writeFileSync('started.txt','');const t=Date.now();while(!fs.existsSync('fast.txt')&&Date.now()-t<60000){}fs.writeFileSync('slow.out',fs.readFileSync('input.txt'))"`;

/** Runs repro in a child process group and SIGKILLs the whole group as soon as the slow stage has started. */
function reproAndKill(root: string): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(process.execPath, ['--import', TSX, CHILD, root], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const poll = setInterval(() => {
    stat(join(root, 'started.txt')).then(
      () => {
        clearInterval(poll);
        process.kill(-(child.pid as number), 'SIGKILL');
      },
      () => {},
    );
  }, 20);
  return new Promise((resolve) =>
    child.on('close', (_code, signal) => {
      clearInterval(poll);
      resolve({ signal, output });
    }),
  );
}

it('leaves slipway.lock consistent when repro is killed with SIGKILL mid-stage, and the stage reruns next time', async () => {
  p = await createPipelineWorkspace({ 'input.txt': 'v1', 'fast.txt': '' });
  await writeFile(
    join(p.root, 'slipway.yaml'),
    `schema: 1
stages:
  first:
    cmd: [${NODE}, tools/copy.mjs, input.txt, first.out]
    deps: [input.txt]
    outs: [first.out]
  slow:
    cmd: [${NODE}, -e, ${SLOW}]
    deps: [first.out]
    outs: [slow.out]
`,
  );
  await p.repro();
  const before = await readFile(join(p.root, LOCK_FILE), 'utf8');
  await p.t.write({ 'input.txt': 'v2' });
  await rm(join(p.root, 'fast.txt'));
  await rm(join(p.root, 'started.txt'));

  const { signal, output } = await reproAndKill(p.root);
  expect(signal, output).toBe('SIGKILL');
  expect(output).not.toContain('done');
  const after = await readLock(p.root);
  expect(after.stages.slow).toEqual(parseLock(before).stages.slow);
  expect(after.stages.first?.deps[0]?.digest).not.toBe(parseLock(before).stages.first?.deps[0]?.digest);

  await p.t.write({ 'fast.txt': '' });
  const result = await p.repro();
  expect(Object.fromEntries(result.stages.map((s) => [s.name, s.status]))).toEqual({
    first: 'up-to-date',
    slow: 'ran',
  });
  expect(await readFile(join(p.root, 'slow.out'), 'utf8')).toBe('v2');
  expect(Object.fromEntries((await p.repro()).stages.map((s) => [s.name, s.status]))).toEqual({
    first: 'up-to-date',
    slow: 'up-to-date',
  });
}, 60_000);
