/**
 * A child process for kill tests: `node --import tsx data-child.ts <add|checkout> <workspace root> [paths…]`. It
 * prints `progress <n>` after each file, so a test can SIGKILL it in the middle of the work.
 */
import { join } from 'node:path';
import { addToWorkspace } from '../add.js';
import { checkoutWorkspace } from '../checkout.js';
import { openWorkspace } from '../workspace/workspace.js';

const [operation, root, ...paths] = process.argv.slice(2);
if (root === undefined) throw new Error('usage: data-child.ts <add|checkout> <root> [paths…]');
const ws = await openWorkspace({ root, cacheUri: join(root, '.slipway', 'cache'), linkMode: 'copy', workers: 1 });
const onProgress = (event: { done: number }) => process.stdout.write(`progress ${event.done}\n`);
if (operation === 'add') await addToWorkspace(ws, { paths, cwd: root, onProgress });
else await checkoutWorkspace(ws, { cwd: root, onProgress });
await ws.close();
process.stdout.write('done\n');
