import { open } from 'node:fs/promises';

const UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF']);

/**
 * Flushes a directory's entries to disk, so a rename or a new file in it survives a power loss. Platforms that
 * cannot fsync a directory (Windows) are tolerated.
 */
export const fsyncDirectory = async (directory: string): Promise<void> => {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
};
