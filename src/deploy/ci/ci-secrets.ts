/**
 * The values a CI job needs that must never be written into a workflow file: they come from the CI's secret store
 * (GitHub repository/environment secrets, GitLab masked and protected CI/CD variables) as environment variables.
 */
export const CI_SECRETS = [
  { name: 'SLIPWAY_TRACKING_URI', what: 'the tracking server or database URI' },
  { name: 'SLIPWAY_TOKEN', what: 'the token Slipway sends to the tracking server' },
  { name: 'AWS_ACCESS_KEY_ID', what: 'the data remote credentials (S3); leave unset for other remotes' },
  { name: 'AWS_SECRET_ACCESS_KEY', what: 'the data remote credentials (S3)' },
] as const;

/** The commands of the pipeline, run through the project's own (locked) Slipway, never one downloaded on the fly. */
export const slipwayCommand = (args: string): string => `npx --no-install slipway ${args}`;

export const STAGING_COMMANDS = [
  slipwayCommand('pull'),
  slipwayCommand('repro'),
  slipwayCommand('release --to staging'),
];
export const PROMOTE_COMMAND = slipwayCommand('promote staging production');
