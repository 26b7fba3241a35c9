import { S3Error } from './errors.ts';

/**
 * `aws-chunked` with an unsigned trailer (what the SDK sends for a streamed PutObject with a
 * checksum): `<hex size>\r\n<bytes>\r\n` … `0\r\n<trailer>:<value>\r\n\r\n`.
 */
export async function* decodeAwsChunked(
  source: AsyncIterable<Buffer>,
  trailers: Map<string, string>,
): AsyncGenerator<Buffer> {
  const malformed = () => new S3Error(400, 'IncompleteBody', 'The aws-chunked body is malformed.');
  let buffered: Buffer = Buffer.alloc(0);
  let remaining = 0;
  let state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  for await (const chunk of source) {
    buffered = buffered.length > 0 ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length > 0) {
      if (state === 'data') {
        const take = Math.min(remaining, buffered.length);
        yield buffered.subarray(0, take);
        buffered = buffered.subarray(take);
        remaining -= take;
        if (remaining === 0) state = 'data-end';
        continue;
      }
      const end = buffered.indexOf('\r\n');
      if (end < 0) {
        if (buffered.length > 8192) throw malformed();
        break;
      }
      const line = buffered.subarray(0, end).toString('latin1');
      buffered = buffered.subarray(end + 2);
      if (state === 'data-end') {
        if (line !== '') throw malformed();
        state = 'size';
      } else if (state === 'size') {
        const hex = line.split(';')[0] ?? '';
        const size = /^[0-9a-fA-F]{1,13}$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
        if (!Number.isSafeInteger(size)) throw malformed();
        remaining = size;
        state = size === 0 ? 'trailer' : 'data';
      } else if (state === 'trailer') {
        if (line === '') {
          state = 'done';
          continue;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformed();
        trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      } else {
        throw malformed();
      }
    }
  }
  if (state !== 'done' && state !== 'trailer') throw malformed();
}
