// Child process for the SIGKILL test of batched writes: writes batches of small objects into an fs object store,
// reporting each finished batch on stdout. Usage: node --import tsx batch-put-child.ts <root> <batches> <size>
import { createFsObjectStore } from '../fs-object-store.js';
import { type ObjectBytes, supportsBatches } from '../types.js';
import { patternBytes, sha256Of } from './test-bytes.js';

/** The objects of batch `index`: 200 of `size` bytes each, the same in the test and the child. */
export const batchObjects = (index: number, size: number): ObjectBytes[] =>
  Array.from({ length: 200 }, (_, n) => {
    const bytes = patternBytes(size, index * 1000 + n + 1);
    return { digest: sha256Of(bytes), bytes };
  });

if (process.argv[1]?.endsWith('batch-put-child.ts')) {
  const [root = '', batches = '50', size = '4096'] = process.argv.slice(2);
  const store = await createFsObjectStore(root);
  if (!supportsBatches(store)) throw new Error('the fs store writes batches');
  for (let index = 0; index < Number(batches); index += 1) {
    await store.writeMany(batchObjects(index, Number(size)));
    process.stdout.write(`batch ${index}\n`);
  }
  await store.close();
  process.stdout.write('done\n');
}
