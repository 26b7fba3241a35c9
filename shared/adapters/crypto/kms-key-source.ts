import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { Table } from '../dynamodb/table.ts';
import type { KeySource } from './personal-data.ts';

/**
 * Data keys from KMS (`GenerateDataKey`, `Decrypt`) under the personal-information key. The HMAC
 * key is itself a KMS data key, made once and kept wrapped in the table (`KEYRING/HMAC`), so every
 * function hashes with the same key without a secret in its environment.
 */
export class KmsKeySource implements KeySource {
  private readonly kms = new KMSClient({});
  private hmac: Promise<Buffer> | undefined;

  constructor(
    private readonly keyId: string,
    private readonly table: Table,
  ) {}

  async generateDataKey() {
    const out = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256' }));
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    return {
      plaintext: Buffer.from(out.Plaintext),
      wrapped: `kms:${Buffer.from(out.CiphertextBlob).toString('base64')}`,
    };
  }

  async unwrapDataKey(wrapped: string) {
    if (!wrapped.startsWith('kms:')) throw new Error('This data key was not wrapped by KMS');
    const out = await this.kms.send(
      new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: Buffer.from(wrapped.slice(4), 'base64') }),
    );
    if (!out.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(out.Plaintext);
  }

  hmacKey(): Promise<Buffer> {
    this.hmac ??= this.loadHmacKey();
    return this.hmac;
  }

  private async loadHmacKey(): Promise<Buffer> {
    const key = { pk: 'KEYRING', sk: 'HMAC' };
    const existing = await this.table.get<{ wrapped: string }>(key);
    if (existing) return this.unwrapDataKey(existing.wrapped);
    const fresh = await this.generateDataKey();
    try {
      await this.table.transact([
        { put: { ...key, wrapped: fresh.wrapped, version: 1 }, condition: 'attribute_not_exists(pk)' },
      ]);
      return fresh.plaintext;
    } catch {
      // Another function made it first: use theirs.
      const winner = await this.table.get<{ wrapped: string }>(key);
      if (!winner) throw new Error('HMAC key could be neither written nor read');
      return this.unwrapDataKey(winner.wrapped);
    }
  }
}
