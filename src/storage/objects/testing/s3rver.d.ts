// Minimal typing of the s3rver dev dependency (it ships none), covering what the tests use.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: { name: string }[];
  }

  class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }

  // Node's ESM loader exposes a CommonJS module.exports as the default export.
  // biome-ignore lint/style/noDefaultExport: describes a CommonJS module as ESM sees it.
  export default S3rver;
}
