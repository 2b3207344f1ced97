import { invalidParameter } from '../../domain/errors.js';
import { writeGeneratedFiles } from '../write-generated-files.js';
import { type CiOptions, generateGithubWorkflow } from './github-workflow.js';
import { generateGitlabCi } from './gitlab-ci.js';

export const CI_PROVIDERS = ['github', 'gitlab'] as const;
export type CiProvider = (typeof CI_PROVIDERS)[number];

export interface InitCiWorkflowInput extends CiOptions {
  readonly provider: string;
  /** The repository root the file is written under. */
  readonly root: string;
  readonly force?: boolean;
}

const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;

const isProvider = (value: string): value is CiProvider => (CI_PROVIDERS as readonly string[]).includes(value);

/** Writes the provider's workflow file under the repository root; refuses to replace one without force. */
export async function initCiWorkflow(input: InitCiWorkflowInput): Promise<{ path: string }> {
  if (!isProvider(input.provider)) {
    throw invalidParameter(`Unknown CI provider '${input.provider}'.`, {
      hint: `Use one of: ${CI_PROVIDERS.join(', ')}.`,
    });
  }
  if (!BRANCH.test(input.branch)) {
    throw invalidParameter(`'${input.branch}' is not a branch name Slipway writes into a workflow.`, {
      hint: 'Use letters, digits and . _ / - only.',
    });
  }
  const file = input.provider === 'github' ? generateGithubWorkflow(input) : generateGitlabCi(input);
  const [path] = await writeGeneratedFiles(input.root, [file], { force: input.force });
  return { path: path as string };
}
