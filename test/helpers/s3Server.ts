import { rm } from 'node:fs/promises';
import S3rver from 's3rver';
import { tmpDir } from './tmp.js';

/** s3rver's built-in account: it checks request signatures against it. */
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface TestS3 {
  readonly endpoint: string;
  readonly bucket: string;
  /** MEDPROOF_BLOB_URL for this server's bucket, under `prefix` if given. */
  blobUrl(prefix?: string): string;
  /** The environment a portal needs for it: the URL and the credentials. */
  env(prefix?: string): Record<string, string>;
  /** Stops answering at once: open connections are cut, not drained (the store "goes down"). */
  stop(): Promise<void>;
  /** Serves again on the same port and folder, with what it stored. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A local S3 server (s3rver) on 127.0.0.1, a random port and its own temp folder, with one bucket. */
export async function startS3(bucket = 'medproof'): Promise<TestS3> {
  const dir = tmpDir('medproof-s3-');
  let port = 0;
  let server: S3rver | undefined;
  const run = async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory: dir.path,
      vhostBuckets: false,
      configureBuckets: [{ name: bucket }],
    });
    // s3rver removes a folder a delete left empty, racing a concurrent upload into it, whose write
    // stream then fails uncaught (ENOENT) in this process. S3 has no folders: keep them.
    const store = server.store;
    store.deleteObject = async (b, key) => {
      for (const resource of ['object', 'object.md5', 'metadata.json'])
        await rm(store.getResourcePath(b, key, resource), { force: true });
    };
    port = (await server.run()).port;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.httpServer?.closeAllConnections();
    await s.close();
  };
  await run();
  const endpoint = `http://127.0.0.1:${port}`;
  const blobUrl = (prefix = '') =>
    `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1`;
  return {
    endpoint,
    bucket,
    blobUrl,
    env: (prefix) => ({
      MEDPROOF_BLOB_URL: blobUrl(prefix),
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    }),
    stop,
    restart: async () => {
      await stop();
      await run();
    },
    close: async () => {
      await stop();
      dir.remove();
    },
  };
}
