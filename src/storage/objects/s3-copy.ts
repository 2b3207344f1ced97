import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mapConcurrent } from '../../lib/map-concurrent.js';

const GIB = 1024 * 1024 * 1024;

export interface CopyLimits {
  /** Objects larger than this are copied part by part; S3's CopyObject stops at 5 GiB. */
  readonly singleCopyMax: number;
  /** Size of each UploadPartCopy range (5 MiB to 5 GiB; 10,000 parts at most). */
  readonly partSize: number;
}

export const DEFAULT_COPY_LIMITS: CopyLimits = { singleCopyMax: 5 * GIB, partSize: GIB / 2 };
const PART_CONCURRENCY = 4;

export interface CopyRequest {
  readonly bucket: string;
  readonly from: string;
  readonly to: string;
  readonly size: number;
}

/** Server-side copy of one key to another in the same bucket: CopyObject, or UploadPartCopy above 5 GiB. */
export const copyObject = async (client: S3Client, request: CopyRequest, limits = DEFAULT_COPY_LIMITS) => {
  if (request.size <= limits.singleCopyMax) {
    await client.send(new CopyObjectCommand({ ...target(request), CopySource: copySource(request) }));
    return;
  }
  await multipartCopy(client, request, limits.partSize);
};

const target = (request: CopyRequest) => ({ Bucket: request.bucket, Key: request.to });

const copySource = (request: CopyRequest): string =>
  `${request.bucket}/${encodeURIComponent(request.from).replace(/%2F/g, '/')}`;

const multipartCopy = async (client: S3Client, request: CopyRequest, partSize: number): Promise<void> => {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand(target(request)));
  try {
    const ranges = partRanges(request.size, partSize);
    const parts = await mapConcurrent(ranges, PART_CONCURRENCY, (range, index) =>
      copyPart(client, request, { UploadId, PartNumber: index + 1, range }),
    );
    const MultipartUpload = { Parts: parts };
    await client.send(new CompleteMultipartUploadCommand({ ...target(request), UploadId, MultipartUpload }));
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ ...target(request), UploadId })).catch(() => {});
    throw error;
  }
};

interface PartRequest {
  readonly UploadId: string | undefined;
  readonly PartNumber: number;
  readonly range: string;
}

const copyPart = async (client: S3Client, request: CopyRequest, part: PartRequest) => {
  const { UploadId, PartNumber, range } = part;
  const command = new UploadPartCopyCommand({
    ...target(request),
    UploadId,
    PartNumber,
    CopySource: copySource(request),
    CopySourceRange: range,
  });
  const { CopyPartResult } = await client.send(command);
  return { PartNumber, ETag: CopyPartResult?.ETag };
};

/** `bytes=first-last` ranges (inclusive) covering `size` bytes in parts of `partSize`. */
export const partRanges = (size: number, partSize: number): string[] => {
  const ranges: string[] = [];
  for (let start = 0; start < size; start += partSize) {
    ranges.push(`bytes=${start}-${Math.min(start + partSize, size) - 1}`);
  }
  return ranges;
};
