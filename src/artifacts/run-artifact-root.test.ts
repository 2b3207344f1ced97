import { describe, expect, it } from 'vitest';
import { artifactRootOf, runArtifactUri } from './run-artifact-root.js';

describe('run artifact roots', () => {
  it.each([
    ['mlflow-artifacts:/1/r/artifacts', '1/r/artifacts'],
    ['mlflow-artifacts://host:5000/1/r/artifacts', '1/r/artifacts'],
    ['mlflow-artifacts:///1/r/artifacts/', '1/r/artifacts'],
    ['mlflow-artifacts:/', ''],
    ['mlflow-artifacts:/custom%20place/r', 'custom place/r'],
  ])('%s → %j', (uri, root) => {
    expect(artifactRootOf(uri)).toBe(root);
  });

  it('builds the default run artifact URI, which maps back to its folder', () => {
    expect(runArtifactUri(3, 'abc')).toBe('mlflow-artifacts:/3/abc/artifacts');
    expect(artifactRootOf(runArtifactUri('3', 'abc'))).toBe('3/abc/artifacts');
  });

  it.each(['mlflow-artifacts:/../x', 'mlflow-artifacts:/1/%2e%2e/x', 'mlflow-artifacts://h/a\\b'])(
    'refuses %s',
    (uri) => {
      expect(() => artifactRootOf(uri)).toThrow(/Invalid artifact_uri/);
    },
  );

  it.each(['s3://bucket/x', 'file:///srv/x', '/srv/x'])('does not serve %s', (uri) => {
    expect(() => artifactRootOf(uri)).toThrow(expect.objectContaining({ code: 'NOT_IMPLEMENTED' }));
  });
});
