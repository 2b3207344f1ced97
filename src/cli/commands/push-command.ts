import { pushToRemote } from '../../data/remote/push.js';
import { transferCommand } from './transfer-command.js';

/** `slipway push [targets...] [-r remote] [-j N]`. */
export const pushCommand = transferCommand({
  name: 'push',
  description: 'copy the objects tracked data needs to a remote (only what it lacks)',
  done: 'Pushed',
  direction: 'to',
  transfer: pushToRemote,
});
