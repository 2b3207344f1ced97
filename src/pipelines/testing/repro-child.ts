/**
 * A child process for the kill test: `node --import tsx repro-child.ts <workspace root>` runs `slipway repro` there
 * (stage output to this process's stderr) and prints `done` when it finishes.
 */
import { join } from 'node:path';
import { openWorkspace } from '../../data/workspace/workspace.js';
import { reproPipeline } from '../repro.js';

const [root] = process.argv.slice(2);
if (root === undefined) throw new Error('usage: repro-child.ts <root>');
const ws = await openWorkspace({ root, cacheUri: join(root, '.slipway', 'cache'), linkMode: 'copy', workers: 1 });
await reproPipeline(ws, { output: { stdout: process.stderr, stderr: process.stderr } });
await ws.close();
process.stdout.write('done\n');
