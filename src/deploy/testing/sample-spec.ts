import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDeploymentSpec, type DeploymentOptions } from '../create-deployment-spec.js';
import type { DeploymentSpec } from '../deployment-spec.js';
import type { DeploymentModel } from '../resolve-deployment-model.js';

/** A fixed model, so generated files are byte-for-byte stable (golden files). */
export const SAMPLE_MODEL: DeploymentModel = {
  name: 'wine',
  version: '3',
  semver: '1.2.0',
  digest: `sha256:${'ab'.repeat(32)}`,
  folder: '/nonexistent',
  uri: 'models:/wine/3',
};

export const sampleSpec = (options: DeploymentOptions = {}, model: Partial<DeploymentModel> = {}): DeploymentSpec =>
  createDeploymentSpec({ ...SAMPLE_MODEL, ...model }, options, '0.1.0');

/**
 * Writes an executable shell script named `name` in `dir` (put first on PATH): a stand-in for docker or kubectl
 * that records its argv, one argument a line, in `<dir>/<name>.log`, then runs `body`.
 */
export async function fakeProgram(dir: string, name: string, body: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\nprintf '%s\\n' "$@" >> "${join(dir, `${name}.log`)}"\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** An environment whose PATH has `dir` first and only the system folders after it. */
export const pathWith = (dir: string): NodeJS.ProcessEnv => ({ PATH: `${dir}:/usr/bin:/bin` });
