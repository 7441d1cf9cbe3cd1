import { describe, expect, it } from 'vitest';
import { blobLocationOf } from './blobLocation.js';

const ENDPOINT = encodeURIComponent('http://127.0.0.1:9000');

describe('MEDPROOF_BLOB_URL', () => {
  it('unset or file:// is the folder store', () => {
    expect(blobLocationOf(undefined, '/data', {})).toEqual({ kind: 'file', dir: '/data/blobs' });
    expect(blobLocationOf('file:///mnt/shared/blobs', '/data', {})).toEqual({
      kind: 'file',
      dir: '/mnt/shared/blobs',
    });
  });

  it('s3:// names bucket, prefix, endpoint (path-style) and region; credentials from the environment', () => {
    expect(
      blobLocationOf(`s3://med-proof/portal/a/?endpoint=${ENDPOINT}&region=eu-central-1`, '/d', {
        AWS_ACCESS_KEY_ID: 'AK',
        AWS_SECRET_ACCESS_KEY: 'SK',
      }),
    ).toEqual({
      kind: 's3',
      bucket: 'med-proof',
      prefix: 'portal/a/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-central-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    });
  });

  it('AWS itself: virtual-hosted style, no prefix, the SDK’s own credentials when none are given', () => {
    expect(blobLocationOf('s3://records', '/d', { AWS_REGION: 'ap-south-1' })).toEqual({
      kind: 's3',
      bucket: 'records',
      prefix: '',
      endpoint: undefined,
      region: 'ap-south-1',
      forcePathStyle: false,
      credentials: undefined,
    });
  });

  it('credentials in the URL (URL-encoded) win over the environment', () => {
    const l = blobLocationOf(`s3://AK2:s%2Fk@bucket1?endpoint=${ENDPOINT}&pathStyle=false`, '/d', {
      AWS_ACCESS_KEY_ID: 'AK',
      AWS_SECRET_ACCESS_KEY: 'SK',
    });
    expect(l).toMatchObject({
      forcePathStyle: false,
      credentials: { accessKeyId: 'AK2', secretAccessKey: 's/k' },
    });
  });

  it.each([
    ['http://bucket', 'file:// or s3://'],
    ['s3://Bad_Bucket', 'bucket name'],
    ['s3://bucket1?endpont=x', 'unknown parameter endpont'],
    ['s3://bucket1?endpoint=ftp%3A%2F%2Fx', 'endpoint must be an http(s) URL'],
    ['s3://bucket1?pathStyle=yes', 'pathStyle must be true or false'],
    ['s3://AK@bucket1', 'needs its secret'],
    ['file:///x?y=1', 'nothing after the path'],
  ])('refuses %s with CONFIG_INVALID', (raw, why) => {
    expect(() => blobLocationOf(raw, '/d', {})).toThrow(why);
  });
});
