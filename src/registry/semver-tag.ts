import { invalidParameter } from '../domain/errors.js';
import { SEMVER_TAG } from './types.js';

/** The semantic version is fixed at registration: the tag that shows it cannot be set or deleted afterwards. */
export function refuseSemverTag(key: string): void {
  if (key !== SEMVER_TAG) return;
  throw invalidParameter(`The tag '${SEMVER_TAG}' is read-only: it shows the version's semantic version.`, {
    hint: `Set it when registering (a '${SEMVER_TAG}' tag or --semver); a version's semantic version never changes.`,
  });
}
