import { describe, expect, it } from 'vitest';
import { isSlipwayError } from './errors.js';
import { formatModelUri, type ModelUri, parseModelUri } from './model-uri.js';
import { P_TRAV } from './testing/traversal-payloads.js';

const invalidMessage = (uri: string): string => {
  try {
    parseModelUri(uri);
  } catch (error) {
    if (isSlipwayError(error) && error.code === 'INVALID_PARAMETER_VALUE') return error.message;
    throw error;
  }
  throw new Error(`${uri} was accepted`);
};

describe('parseModelUri', () => {
  it.each<[string, ModelUri]>([
    [
      'runs:/0d099223a0aa4e05976741242b1fb931/model',
      { kind: 'run', runId: '0d099223a0aa4e05976741242b1fb931', path: 'model' as never },
    ],
    ['runs:/abc/nested/model/', { kind: 'run', runId: 'abc', path: 'nested/model' as never }],
    ['runs:/abc', { kind: 'run', runId: 'abc', path: '' as never }],
    ['models:/wine-quality/3', { kind: 'version', name: 'wine-quality', version: 3 }],
    ['models:/wine-quality/latest', { kind: 'latest', name: 'wine-quality' }],
    ['models:/wine-quality/1.4.0', { kind: 'semver', name: 'wine-quality', semver: '1.4.0' }],
    ['models:/wine-quality@production', { kind: 'alias', name: 'wine-quality', alias: 'production' }],
    ['models:/My Model@champion_2', { kind: 'alias', name: 'My Model', alias: 'champion_2' }],
    [
      'models:/m-0112ba8babe744e9b9c2e4a61086b08e',
      { kind: 'logged-model', modelId: 'm-0112ba8babe744e9b9c2e4a61086b08e' },
    ],
    ['./model', { kind: 'folder', path: './model' }],
    ['/srv/models/wine', { kind: 'folder', path: '/srv/models/wine' }],
    ['model', { kind: 'folder', path: 'model' }],
    ['C:\\models\\wine', { kind: 'folder', path: 'C:\\models\\wine' }],
    ['file:///srv/models/my%20model', { kind: 'folder', path: '/srv/models/my model' }],
  ])('%s', (uri, expected) => {
    expect(parseModelUri(uri)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['s3://bucket/model', /scheme 's3:' is not supported/],
    ['models:/wine', /names no version/],
    ['models:/wine/Production', /stage URIs/],
    ['models:/wine/0', /neither a version number/],
    ['models:/wine/1.0', /neither a version number/],
    ['models:/wine@', /not an alias/],
    ['models:/wine@pro duction', /not an alias/],
    ['models:/@prod', /name is empty/],
    ['models:/a%2fb/1', /may not contain/],
    ['models://host/wine/1', /must start with/],
    ['runs:/', /not a run id/],
    ['runs:/-x/model', /not a run id/],
    ['runs://host/model', /must start with/],
    ['file://evil.example/etc', /file:\/\/\/absolute/],
    ['models:/wine/1\n', /control character/],
  ])('refuses %j', (uri, message) => {
    expect(invalidMessage(uri)).toMatch(message);
  });

  it('refuses every traversal payload as a runs:/ path', () => {
    for (const payload of P_TRAV) {
      if (payload === '') continue;
      expect(() => parseModelUri(`runs:/abc/${payload}`), payload).toThrow();
    }
  });

  it('formats what it parses back to the same URI', () => {
    for (const uri of ['runs:/abc/model', 'models:/w/3', 'models:/w/latest', 'models:/w/1.2.3', 'models:/w@prod']) {
      expect(formatModelUri(parseModelUri(uri))).toBe(uri);
    }
  });
});
