import { S3ObjectStorage } from '../aws/object-storage.ts';
import * as settings from '../config.ts';

/** Where evidence documents' bytes live: S3 (`DOCUMENTS_BUCKET`); records are in `baseDeps()`. */
let objects: S3ObjectStorage | undefined;

export function objectStorage(): S3ObjectStorage {
  if (objects) return objects;
  objects = new S3ObjectStorage(settings.documentsBucket());
  return objects;
}
