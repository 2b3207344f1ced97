import { describe, expect, it } from 'vitest';
import { partRanges } from './s3-copy.js';

describe('partRanges', () => {
  it('covers every byte once with inclusive ranges', () => {
    expect(partRanges(12, 5)).toEqual(['bytes=0-4', 'bytes=5-9', 'bytes=10-11']);
    expect(partRanges(10, 5)).toEqual(['bytes=0-4', 'bytes=5-9']);
    expect(partRanges(6 * 1024 ** 3, 512 * 1024 ** 2)).toHaveLength(12);
  });
});
