import { fetchFromRemote } from '../../data/remote/fetch.js';
import { transferCommand } from './transfer-command.js';

/** `slipway fetch [targets...] [-r remote] [-j N]`: into the cache only; the workspace files are not touched. */
export const fetchCommand = transferCommand({
  name: 'fetch',
  description: 'copy the objects tracked data needs from a remote into the cache (workspace files untouched)',
  done: 'Fetched',
  direction: 'from',
  transfer: fetchFromRemote,
});
