import { describe, expect, it } from 'vitest';
import { parseS3Uri } from './s3-config.js';

describe('parseS3Uri', () => {
  it('reads bucket and prefix, with AWS defaults and virtual-hosted style without an endpoint', () => {
    expect(parseS3Uri('s3://my-bucket/a/b/', {})).toEqual({
      bucket: 'my-bucket',
      prefix: 'a/b/',
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: undefined,
      partSize: 16 * 1024 * 1024,
    });
    expect(parseS3Uri('s3://my-bucket', {}).prefix).toBe('');
  });

  it('takes endpoint, region and credentials from the standard AWS variables, path-style with an endpoint', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://generic:9000',
      AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'key',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    };
    expect(parseS3Uri('s3://b/p', env)).toMatchObject({
      endpoint: 'http://minio:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret', sessionToken: 'token' },
    });
    expect(parseS3Uri('s3://b/p', { AWS_ENDPOINT_URL: 'http://generic:9000', AWS_REGION: 'x' })).toMatchObject({
      endpoint: 'http://generic:9000',
      region: 'x',
    });
  });

  it('lets URI options win over the environment', () => {
    const uri = 's3://b/p?endpoint=http://127.0.0.1:9000&region=auto&force_path_style=false&part_size_mib=8';
    expect(parseS3Uri(uri, { AWS_ENDPOINT_URL_S3: 'http://other', AWS_REGION: 'eu-west-1' })).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      region: 'auto',
      forcePathStyle: false,
      partSize: 8 * 1024 * 1024,
    });
  });

  it.each([
    ['s3://', 'is not an S3 URI'],
    ['http://bucket/x', 'is not an S3 URI'],
    ['s3://b/p?endpiont=http://x', "Unknown S3 URI option 'endpiont'"],
    ['s3://b/p?part_size_mib=1', 'part_size_mib must be'],
    ['s3://b/p?force_path_style=maybe', 'force_path_style must be'],
  ])('rejects %s with INVALID_PARAMETER_VALUE', (uri, message) => {
    expect(() => parseS3Uri(uri, {})).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
    expect(() => parseS3Uri(uri, {})).toThrow(message);
  });
});
