import { describe, expect, it } from 'vitest';
import { S3ObjectStorage } from '../../shared/adapters/aws/object-storage.ts';

/**
 * The URLs the S3 adapter signs for AWS (the embedded runtime's stand-in checks the signatures
 * themselves: test/integration/local-object-storage.test.ts). On AWS: virtual-hosted style, the
 * Lambda role's session token in the query, and an upload URL that binds type, length and checksum.
 */
const storage = new S3ObjectStorage('apprenticeflow-documents-abc', {
  region: 'ap-east-1',
  endpoint: undefined,
  credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session/token+1' },
});

describe('S3 adapter URLs on AWS', () => {
  it('signs an upload that S3 accepts only with the announced type, length and SHA-256', async () => {
    const sha256 = 'ab'.repeat(32);
    const ticket = await storage.uploadUrl({
      key: 'cohorts/01M8D6M04MRCN5VD4PSMM7XDMD/01M8D6M3Y7T87J4NZMVXARGDGQ',
      contentType: 'video/mp4',
      sizeBytes: 1234,
      sha256,
      expiresInSeconds: 900,
    });
    const url = new URL(ticket.url);
    expect(url.origin).toBe('https://apprenticeflow-documents-abc.s3.ap-east-1.amazonaws.com');
    expect(url.pathname).toBe('/cohorts/01M8D6M04MRCN5VD4PSMM7XDMD/01M8D6M3Y7T87J4NZMVXARGDGQ');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host;x-amz-checksum-sha256',
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session/token+1');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^ASIAEXAMPLE\/\d{8}\/ap-east-1\/s3\/aws4_request$/,
    );
    // The checksum stays a header the uploader must send, not a query parameter it could drop.
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    expect(ticket.headers).toEqual({
      'content-type': 'video/mp4',
      'x-amz-checksum-sha256': Buffer.from(sha256, 'hex').toString('base64'),
    });
  });

  it('signs a download under the file name, for a few minutes', async () => {
    const url = new URL(
      await storage.downloadUrl({
        key: 'cohorts/01M8D6M04MRCN5VD4PSMM7XDMD/01M8D6M3Y7T87J4NZMVXARGDGQ',
        fileName: '培训视频 1.mp4',
        contentType: 'video/mp4',
        expiresInSeconds: 300,
      }),
    );
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename*=UTF-8''${encodeURIComponent('培训视频 1.mp4')}`,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
  });
});

describe('S3 adapter URLs in the AWS China regions', () => {
  it.each(['cn-north-1', 'cn-northwest-1'])(
    'signs for the partition’s own suffix in %s (amazonaws.com.cn), as the SDK resolves it',
    async (region) => {
      const china = new S3ObjectStorage('apprenticeflow-documents-cn', {
        region,
        endpoint: undefined,
        credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret' },
      });
      const url = new URL(
        await china.downloadUrl({
          key: 'cohorts/01M8D6M04MRCN5VD4PSMM7XDMD/01M8D6M3Y7T87J4NZMVXARGDGQ',
          fileName: 'sign-in.pdf',
          contentType: 'application/pdf',
          expiresInSeconds: 300,
        }),
      );
      expect(url.origin).toBe(`https://apprenticeflow-documents-cn.s3.${region}.amazonaws.com.cn`);
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`/${region}/s3/aws4_request$`));
    },
  );
});
