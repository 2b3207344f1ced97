// Child process for the SIGKILL test: puts a slow stream into an fs object store, reporting each chunk on stdout.
// Usage: node --import tsx slow-put-child.ts <root> <chunks> <delay-ms>
import { createFsObjectStore } from '../fs-object-store.js';
import { slowPatternStream } from './test-bytes.js';

const [root = '', chunks = '64', delayMs = '50'] = process.argv.slice(2);
const store = await createFsObjectStore(root);
const report = (index: number) => process.stdout.write(`chunk ${index}\n`);
const info = await store.put(slowPatternStream(Number(chunks), Number(delayMs), report));
process.stdout.write(`done ${info.digest}\n`);
