import type { MetadataStore } from '../../storage/metadata/open-metadata.js';

/** What the SQL deployments use cases need: the metadata store, who is acting, and a clock. */
export interface SqlDeploymentsDeps {
  readonly metadata: Pick<MetadataStore, 'db' | 'uri'>;
  /** The authenticated principal on a server, the OS user in the CLI; default `anonymous`. */
  readonly actor?: string | undefined;
  /** Defaults to Date.now. */
  readonly now?: (() => number) | undefined;
}

export const clockOf = (deps: Pick<SqlDeploymentsDeps, 'now'>): number => (deps.now ?? Date.now)();
export const actorOf = (deps: Pick<SqlDeploymentsDeps, 'actor'>): string => deps.actor || 'anonymous';
