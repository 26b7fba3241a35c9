import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataKey, PersonalDataProtector } from '../../domain/ports.ts';

/**
 * Field encryption of personal information (domain.md, PIPL): AES-256-GCM under a per-cohort data
 * key (envelope encryption), and HMAC-SHA256 for look-ups. Where the data keys come from is the
 * only difference between AWS and the embedded runtime:
 *  - `PII_KEY_ID` set: KMS `GenerateDataKey`/`Decrypt` (see kms-key-source.ts);
 *  - otherwise `PII_KEY_FILE`: a local key file, created on first use (embedded runtime, tests).
 */
export interface KeySource {
  generateDataKey(): Promise<{ plaintext: Buffer; wrapped: string }>;
  unwrapDataKey(wrapped: string): Promise<Buffer>;
  hmacKey(): Promise<Buffer>;
}

const AAD = Buffer.from('apprenticeflow:pii:v1');

export class FieldEncryption implements PersonalDataProtector {
  private hmac: Promise<Buffer> | undefined;
  private readonly opened = new Map<string, DataKey>();

  constructor(private readonly keys: KeySource) {}

  async hash(value: string): Promise<string> {
    this.hmac ??= this.keys.hmacKey();
    return createHmac('sha256', await this.hmac)
      .update(value.normalize('NFC'))
      .digest('base64url');
  }

  async newDataKey() {
    const { plaintext, wrapped } = await this.keys.generateDataKey();
    const key = { bytes: new Uint8Array(plaintext) };
    this.opened.set(wrapped, key);
    return { key, wrapped };
  }

  async openDataKey(wrapped: string): Promise<DataKey> {
    const cached = this.opened.get(wrapped);
    if (cached) return cached;
    const key = { bytes: new Uint8Array(await this.keys.unwrapDataKey(wrapped)) };
    if (this.opened.size > 256) this.opened.clear();
    this.opened.set(wrapped, key);
    return key;
  }

  encrypt(key: DataKey, plaintext: string): string {
    return sealWith(Buffer.from(key.bytes), Buffer.from(plaintext, 'utf8'));
  }

  decrypt(key: DataKey, ciphertext: string): string {
    return openWith(Buffer.from(key.bytes), ciphertext).toString('utf8');
  }
}

/** `iv(12) | tag(16) | ciphertext`, base64url. */
export function sealWith(key: Buffer, plaintext: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function openWith(key: Buffer, sealed: string): Buffer {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(AAD);
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

/** The embedded runtime's key file: a master key that wraps data keys, and the HMAC key. */
export class LocalKeyFile implements KeySource {
  private material: { master: Buffer; hmac: Buffer } | undefined;

  constructor(private readonly path: string) {}

  private load() {
    if (this.material) return this.material;
    if (!existsSync(this.path)) {
      mkdirSync(dirname(this.path), { recursive: true });
      const fresh = {
        masterKey: randomBytes(32).toString('base64'),
        hmacKey: randomBytes(32).toString('base64'),
      };
      writeFileSync(this.path, JSON.stringify(fresh), { flag: 'wx', mode: 0o600 });
      chmodSync(this.path, 0o600);
    }
    const stored = JSON.parse(readFileSync(this.path, 'utf8')) as { masterKey: string; hmacKey: string };
    this.material = {
      master: Buffer.from(stored.masterKey, 'base64'),
      hmac: Buffer.from(stored.hmacKey, 'base64'),
    };
    return this.material;
  }

  async generateDataKey() {
    const plaintext = randomBytes(32);
    return { plaintext, wrapped: `local:${sealWith(this.load().master, plaintext)}` };
  }

  async unwrapDataKey(wrapped: string) {
    if (!wrapped.startsWith('local:')) throw new Error('This data key was not wrapped by the local key file');
    return openWith(this.load().master, wrapped.slice('local:'.length));
  }

  async hmacKey() {
    return this.load().hmac;
  }
}
