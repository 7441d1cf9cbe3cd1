import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MedproofError } from '../core/index.js';

/** Where stored files go, from MEDPROOF_BLOB_URL: a local folder, or an S3-compatible bucket. */
export type BlobLocation =
  | { readonly kind: 'file'; readonly dir: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** '' or ending in '/'. */
      readonly prefix: string;
      readonly endpoint: string | undefined;
      readonly region: string;
      readonly forcePathStyle: boolean;
      readonly credentials:
        | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
        | undefined;
    };

const S3_QUERY = ['endpoint', 'region', 'pathStyle'];
// S3's bucket naming rules, the dotted ones included (path-style serves them).
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const bad = (why: string) => new MedproofError('CONFIG_INVALID', `MEDPROOF_BLOB_URL: ${why}`);

/**
 * Reads MEDPROOF_BLOB_URL. `file:///abs/path` (or unset: `<dataDir>/blobs`) is the folder store;
 * `s3://[KEY:SECRET@]bucket[/prefix]?endpoint=URL&region=R[&pathStyle=false]` the bucket store.
 * Credentials come from the URL's user part (URL-encoded), else AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in `env`, else the SDK's own chain (an instance role).
 * A custom endpoint gets path-style requests unless `pathStyle=false`: S3-compatible servers rarely
 * serve `bucket.host` names. The setting is secret (never printed): it may hold a key.
 */
export function blobLocationOf(
  raw: string | undefined,
  dataDir: string,
  env: NodeJS.ProcessEnv,
): BlobLocation {
  if (raw === undefined) return { kind: 'file', dir: resolve(dataDir, 'blobs') };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad('must be a file:// or s3:// URL');
  }
  if (url.protocol === 'file:') {
    if (url.search || url.hash || (url.host !== '' && url.host !== 'localhost'))
      throw bad('a file:// URL is file:///absolute/path, with nothing after the path');
    return { kind: 'file', dir: fileURLToPath(url) };
  }
  if (url.protocol !== 's3:') throw bad('must be a file:// or s3:// URL');
  const bucket = url.hostname;
  if (!BUCKET_RE.test(bucket)) throw bad('the bucket name (s3://BUCKET/…) is not a valid S3 bucket name');
  const unknown = [...url.searchParams.keys()].filter((k) => !S3_QUERY.includes(k));
  if (unknown.length > 0)
    throw bad(`unknown parameter ${unknown.join(', ')} (known: ${S3_QUERY.join(', ')})`);
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(endpoint))
    throw bad('endpoint must be an http(s) URL with no path, e.g. http://127.0.0.1:9000');
  const region = url.searchParams.get('region') ?? env.AWS_REGION ?? 'us-east-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region)) throw bad('region must be a region name such as eu-central-1');
  const pathStyle = url.searchParams.get('pathStyle');
  if (pathStyle !== null && pathStyle !== 'true' && pathStyle !== 'false')
    throw bad('pathStyle must be true or false');
  const path = decodeURIComponent(url.pathname.replace(/^\/+/, '').replace(/\/+$/, ''));
  const fromUrl =
    url.username !== ''
      ? { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) }
      : undefined;
  if (fromUrl && fromUrl.secretAccessKey === '') throw bad('a key in the URL needs its secret (KEY:SECRET@)');
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const fromEnv =
    accessKeyId && secretAccessKey
      ? {
          accessKeyId,
          secretAccessKey,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return {
    kind: 's3',
    bucket,
    prefix: path === '' ? '' : `${path}/`,
    endpoint: endpoint?.replace(/\/$/, ''),
    region,
    forcePathStyle: pathStyle === null ? endpoint !== undefined : pathStyle === 'true',
    credentials: fromUrl ?? fromEnv,
  };
}
