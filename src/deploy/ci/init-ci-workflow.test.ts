import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateGithubWorkflow } from './github-workflow.js';
import { generateGitlabCi } from './gitlab-ci.js';
import { initCiWorkflow } from './init-ci-workflow.js';

const OPTIONS = { branch: 'main', slipwayVersion: '0.1.0' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-ci-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const gitlabValidator = async () => {
  const schema = JSON.parse(await readFile(new URL('./fixtures/gitlab-ci.schema.json', import.meta.url), 'utf8'));
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
};

/** Every value of a secret-looking key must be an expression reading the secret store, never a literal. */
const SECRET_KEY = /TOKEN|SECRET|PASSWORD|TRACKING_URI|ACCESS_KEY/;

describe('GitHub Actions workflow', () => {
  const file = generateGithubWorkflow(OPTIONS);
  const workflow = parse(file.content);

  it('matches the golden file and validates against the GitHub workflow schema', async () => {
    await expect(file.content).toMatchFileSnapshot('./fixtures/github-workflow.golden.yml');
    const state = validateWorkflow(file.content);
    expect(state.errors, JSON.stringify(state.errors)).toEqual([]);
  });

  it('the schema validation can fail: an unknown job key is refused', () => {
    expect(validateWorkflow(`${file.content}    bogus: 1\n`).errors.length).toBeGreaterThan(0);
  });

  it('releases to staging on push, and promotes to production behind the production environment', () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: {} });
    const staging = workflow.jobs.staging.steps.map((s: { run?: string }) => s.run).filter(Boolean);
    expect(staging).toEqual([
      'npm ci',
      'npx --no-install slipway pull',
      'npx --no-install slipway repro',
      'npx --no-install slipway release --to staging',
    ]);
    expect(workflow.jobs.production).toMatchObject({ needs: 'staging', environment: 'production' });
    expect(workflow.jobs.production.steps.at(-1).run).toBe('npx --no-install slipway promote staging production');
  });

  it('grants least privilege, pins actions to commit SHAs, and reads secrets only from the secret store', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const jobs = Object.values(workflow.jobs) as { steps: { uses?: string }[] }[];
    const uses = jobs.flatMap((job) => job.steps.map((s) => s.uses).filter(Boolean));
    expect(uses.length).toBeGreaterThan(0);
    for (const use of uses) expect(use).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    for (const job of Object.values(workflow.jobs) as { env: Record<string, string> }[]) {
      for (const [key, value] of Object.entries(job.env)) {
        expect(key).toMatch(SECRET_KEY);
        expect(value).toBe(`\${{ secrets.${key} }}`);
      }
    }
    expect(workflow.jobs.staging.steps[0].with['persist-credentials']).toBe(false);
    expect(workflow.jobs.staging.steps[1].with).toEqual({ 'node-version': 20, cache: 'npm' });
  });
});

describe('GitLab CI pipeline', () => {
  const file = generateGitlabCi(OPTIONS);
  const pipeline = parse(file.content);

  it('matches the golden file and validates against the vendored GitLab CI schema', async () => {
    await expect(file.content).toMatchFileSnapshot('./fixtures/gitlab-ci.golden.yml');
    const validate = await gitlabValidator();
    expect(validate(pipeline), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...pipeline, 'promote-production': { ...pipeline['promote-production'], when: 'later' } })).toBe(
      false,
    );
  });

  it('gates production behind a manual, blocking job in the production environment', () => {
    expect(pipeline['release-staging'].script).toEqual([
      'npx --no-install slipway pull',
      'npx --no-install slipway repro',
      'npx --no-install slipway release --to staging',
    ]);
    expect(pipeline['promote-production']).toMatchObject({
      needs: ['release-staging'],
      environment: { name: 'production' },
      rules: [{ when: 'manual', allow_failure: false }],
      script: ['npx --no-install slipway promote staging production'],
    });
    expect(pipeline['.node'].image).toMatch(/^node:20-bookworm-slim@sha256:[0-9a-f]{64}$/);
  });

  it('writes no secret: every credential comes from CI/CD variables', () => {
    expect(JSON.stringify(pipeline.variables)).not.toMatch(SECRET_KEY);
    expect(file.content).toContain('SLIPWAY_TOKEN');
    const nonComment = file.content
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n');
    expect(nonComment).not.toMatch(SECRET_KEY);
  });
});

describe('initCiWorkflow', () => {
  it('writes the file, and refuses to overwrite it without force', async () => {
    const { path } = await initCiWorkflow({ ...OPTIONS, provider: 'github', root: dir });
    expect(path.endsWith(join('.github', 'workflows', 'slipway.yml'))).toBe(true);
    await writeFile(path, 'mine\n');
    await expect(initCiWorkflow({ ...OPTIONS, provider: 'github', root: dir })).rejects.toMatchObject({
      code: 'RESOURCE_ALREADY_EXISTS',
    });
    expect(await readFile(path, 'utf8')).toBe('mine\n');
    await initCiWorkflow({ ...OPTIONS, provider: 'github', root: dir, force: true });
    expect(await readFile(path, 'utf8')).toContain('slipway promote staging production');
  });

  it('refuses an unknown provider and a branch name that could inject YAML', async () => {
    await expect(initCiWorkflow({ ...OPTIONS, provider: 'jenkins', root: dir })).rejects.toMatchObject({
      hint: expect.stringContaining('github, gitlab'),
    });
    await expect(
      initCiWorkflow({ ...OPTIONS, branch: 'main"\nevil: 1', provider: 'gitlab', root: dir }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
  });
});
