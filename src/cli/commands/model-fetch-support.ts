import { join } from 'node:path';
import { fetchModel } from '../../client/fetch-model.js';
import { loadConfig } from '../../config/load-config.js';
import type { FetchedModel } from '../../registry/fetch-registered-model.js';
import type { CliContext } from '../cli-context.js';
import { osUser } from './models-command-support.js';
import { trackingUriFor } from './tracking-command-support.js';

/**
 * A `models:/…` URI made local for `serve` and `build`: the registry the tracking URI names (trackingUriFor), the model cache in `<home>/models/`.
 */
export async function fetchModelForCli(
  context: CliContext,
  uri: string,
  trackingUri: string | undefined,
): Promise<FetchedModel> {
  const config = await loadConfig({ cwd: context.cwd, env: context.env, homeDir: context.homeDir });
  const options = {
    trackingUri: trackingUriFor(context, { ...(trackingUri === undefined ? {} : { trackingUri }) }, config),
    objectsUri: config.objects.uri,
    cacheRoot: join(config.home, 'models'),
    actor: osUser(context),
  };
  return fetchModel(options, uri);
}
