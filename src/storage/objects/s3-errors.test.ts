import { describe, expect, it } from 'vitest';
import { parseS3Uri } from './s3-config.js';
import { s3Error } from './s3-errors.js';

const config = parseS3Uri('s3://data/p?endpoint=http://minio:9000', {});
const sdkError = (name: string, status?: number, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('s3Error', () => {
  it.each([
    [sdkError('InvalidAccessKeyId', 403), 'UNAUTHENTICATED', 'AWS_ACCESS_KEY_ID'],
    [sdkError('SignatureDoesNotMatch', 403), 'UNAUTHENTICATED', 'AWS_SECRET_ACCESS_KEY'],
    [sdkError('CredentialsProviderError'), 'UNAUTHENTICATED', 'AWS_PROFILE'],
    [sdkError('AccessDenied', 403), 'PERMISSION_DENIED', 's3:PutObject'],
    [sdkError('Unknown', 403), 'PERMISSION_DENIED', 'AWS_ACCESS_KEY_ID'],
    [sdkError('NoSuchBucket', 404), 'RESOURCE_DOES_NOT_EXIST', 'mc mb'],
    [sdkError('Error', undefined, { code: 'ECONNREFUSED' }), 'TEMPORARILY_UNAVAILABLE', 'AWS_ENDPOINT_URL'],
    [sdkError('TimeoutError'), 'TEMPORARILY_UNAVAILABLE', 'AWS_ENDPOINT_URL'],
    [sdkError('SlowDown', 503), 'TEMPORARILY_UNAVAILABLE', 'try again'],
    [sdkError('PermanentRedirect', 301), 'INVALID_PARAMETER_VALUE', 'AWS_REGION'],
    [sdkError('WeirdThing', 400), 'INTERNAL_ERROR', 'http://minio:9000'],
  ])('maps %s to %s with an actionable hint', (error, code, hint) => {
    const mapped = s3Error(error, config, 's3://data/p/key');
    expect(mapped).toMatchObject({ code, hint: expect.stringContaining(hint) });
    expect(mapped.cause).toBe(error);
  });

  it('names the endpoint when it cannot be reached, and the object when access is denied', () => {
    const refused = sdkError('Error', undefined, { code: 'ECONNREFUSED' });
    expect(s3Error(refused, config, 'x').message).toBe(
      'Cannot reach the S3 endpoint http://minio:9000 (ECONNREFUSED).',
    );
    expect(s3Error(sdkError('AccessDenied', 403), config, 's3://data/p/key').message).toBe(
      'Access denied to s3://data/p/key (AccessDenied).',
    );
  });
});
