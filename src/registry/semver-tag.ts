import { invalidParameter } from '../domain/errors.js';
import { DIGEST_TAG, SEMVER_TAG } from './types.js';

/** The semantic version is fixed at registration: the tag that shows it cannot be set or deleted afterwards. */
export function refuseSemverTag(key: string): void {
  if (key !== SEMVER_TAG && key !== DIGEST_TAG) return;
  throw invalidParameter(`The tag '${key}' is read-only: it shows the version's semantic version or pinned digest.`, {
    hint: `Set it when registering (a '${SEMVER_TAG}' tag or --semver); a version's semantic version never changes.`,
  });
}
