import { createHash, randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { S3Error } from './errors.ts';
import type { Target } from './requests.ts';

/**
 * Objects on disk: the bytes at `<dir>/<bucket>/<key>`, their metadata beside them under `.meta`,
 * each put into place by a rename, and read back as one consistent snapshot.
 */

export type ChecksumAlgorithm = 'sha256' | 'sha1' | 'crc32';
export const CHECKSUM_BYTES: Record<ChecksumAlgorithm, number> = { sha256: 32, sha1: 20, crc32: 4 };

export interface StoredObject {
  size: number;
  contentType: string;
  etag: string;
  md5: string;
  /** Base64 SHA-256 of the bytes, computed here whatever the uploader declared. */
  sha256: string;
  /** The checksum the uploader declared, which S3 keeps and returns with `x-amz-checksum-mode`. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  lastModified: string;
  headers: Record<string, string>;
  /** Which file this metadata describes: a crash between the two renames leaves a mismatch. */
  file: { ino: number; size: number; mtimeMs: number };
}

/** Into place: data first (an atomic rename), then its metadata (also written aside and renamed). */
export async function commit(
  tempPath: string,
  target: Target,
  stored: Omit<StoredObject, 'file'>,
): Promise<void> {
  try {
    await mkdir(dirname(target.objectPath), { recursive: true });
    await rename(tempPath, target.objectPath);
  } catch (error) {
    await rm(tempPath, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTEMPTY') {
      // `a` and `a/b` are both fine on S3; in a folder one would have to be a file and a folder.
      throw new S3Error(
        409,
        'OperationAborted',
        'The local object storage keeps keys as files: this key is a folder of other keys, or one of its prefixes is a key.',
      );
    }
    throw error;
  }
  await writeMetadata(target, stored, await stat(target.objectPath));
}

async function writeMetadata(
  target: Target,
  stored: Omit<StoredObject, 'file'>,
  file: Stats,
): Promise<StoredObject> {
  const metadata: StoredObject = {
    ...stored,
    file: { ino: file.ino, size: file.size, mtimeMs: file.mtimeMs },
  };
  const temp = `${target.metaPath}.${randomUUID()}.tmp`;
  await mkdir(dirname(target.metaPath), { recursive: true });
  await writeFile(temp, JSON.stringify(metadata));
  await rename(temp, target.metaPath);
  return metadata;
}

/** The file and its metadata as one consistent snapshot (taken while no commit of this key runs). */
export async function openObject(
  target: Target,
): Promise<{ file: FileHandle; metadata: StoredObject } | undefined> {
  let file: FileHandle;
  try {
    file = await open(target.objectPath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  try {
    const facts = await file.stat();
    if (!facts.isFile()) {
      await file.close();
      return undefined;
    }
    let metadata: StoredObject | undefined;
    try {
      metadata = JSON.parse(await readFile(target.metaPath, 'utf8')) as StoredObject;
    } catch {
      metadata = undefined;
    }
    const current =
      metadata &&
      metadata.file.ino === facts.ino &&
      metadata.file.size === facts.size &&
      metadata.file.mtimeMs === facts.mtimeMs;
    if (!current || !metadata) {
      // A crash between the data's rename and the metadata's: the file is the truth.
      metadata = await writeMetadata(target, await recomputeMetadata(file, facts), facts);
    }
    return { file, metadata };
  } catch (error) {
    await file.close();
    throw error;
  }
}

async function recomputeMetadata(file: FileHandle, facts: Stats): Promise<Omit<StoredObject, 'file'>> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  for await (const chunk of file.createReadStream({ autoClose: false, start: 0 })) {
    sha256.update(chunk);
    md5.update(chunk);
  }
  const hex = md5.digest('hex');
  return {
    size: facts.size,
    contentType: 'binary/octet-stream',
    etag: `"${hex}"`,
    md5: hex,
    sha256: sha256.digest('base64'),
    lastModified: facts.mtime.toISOString(),
    headers: {},
  };
}
