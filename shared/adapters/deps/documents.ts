import { S3ObjectStorage } from '../aws/object-storage.ts';

/** Where evidence documents' bytes live: S3 (`DOCUMENTS_BUCKET`); records are in `baseDeps()`. */
let objects: S3ObjectStorage | undefined;

export function objectStorage(): S3ObjectStorage {
  if (objects) return objects;
  const bucket = process.env.DOCUMENTS_BUCKET;
  if (!bucket) throw new Error('DOCUMENTS_BUCKET is not set');
  objects = new S3ObjectStorage(bucket);
  return objects;
}
