/** What the embedded runtime and the tests see of the S3 stand-in (see index.ts). */
export interface ObjectCreated {
  bucket: string;
  key: string;
  size: number;
}

export interface LocalObjectStorageOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Objects live under `<dir>/<bucket>/<key>`; their metadata under `<dir>/.meta/<bucket>/<key>.json`. */
  dir: string;
  region: string;
  /** The only credentials it accepts ('local'/'local' in the runtime). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Default 5 GiB, S3's limit for a single PUT; larger bodies get 400 `EntityTooLarge`. */
  maxObjectBytes?: number;
  /** S3 -> EventBridge "Object Created": called after an object is durably stored. */
  onObjectCreated?: (event: ObjectCreated) => Promise<void>;
  /**
   * Waits before each redelivery of a failed notification; default 1, 2, 4, 8 and 16 s (five
   * retries). Tests pass shorter ones.
   */
  notificationRetryDelaysMs?: readonly number[];
  log?: (line: string) => void;
}

export interface LocalObjectStorage {
  endpoint: string;
  close(): Promise<void>;
  /** Resolves when no notification is pending or being retried. */
  idle(): Promise<void>;
}
