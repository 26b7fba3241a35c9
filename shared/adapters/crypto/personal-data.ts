import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataKey, PersonalDataProtector } from '../../domain/ports.ts';
import type { CryptoSuite } from '../config.ts';
import * as settings from '../config.ts';

/**
 * Field encryption of personal information (domain.md, PIPL) under a per-cohort data key (envelope
 * encryption), and a keyed hash for look-ups, in one of two suites (`CRYPTO_SUITE`):
 *  - `standard`: AES-256-GCM, HMAC-SHA256;
 *  - `gm` (国密, GB/T 39786): SM4-CTR then HMAC-SM3 over it (encrypt-then-MAC: Node's OpenSSL has
 *    no SM4-GCM), HMAC-SM3 look-ups.
 * The suite decides what is written; every sealed value names the suite that sealed it, so a table
 * holding both opens either way, whatever the suite is now.
 *
 * Where the data keys come from is the only difference between AWS and the embedded runtime:
 *  - `PII_KEY_ID` set: KMS `GenerateDataKey`/`Decrypt` (see kms-key-source.ts);
 *  - otherwise `PII_KEY_FILE`: a local key file, created on first use (embedded runtime, tests).
 * Data keys are 256 bits in both suites: AES-256 takes all of it, SM4 (128-bit keys) the first half
 * and HMAC-SM3 the second, so a cohort's key keeps serving it across a change of suite.
 */
export interface KeySource {
  generateDataKey(): Promise<{ plaintext: Buffer; wrapped: string }>;
  unwrapDataKey(wrapped: string): Promise<Buffer>;
  hmacKey(): Promise<Buffer>;
}

const AAD = Buffer.from('apprenticeflow:pii:v1');

/** How each suite tags what it seals (`<tag>:<base64url>`); base64url has no `:`, so an untagged value is unambiguous. */
export const SEALED_TAGS = { standard: 'aes256gcm', gm: 'sm4ctr-hmacsm3' } as const satisfies Record<
  CryptoSuite,
  string
>;
/** The look-up hash of `gm` carries this prefix; `standard` hashes stay bare, as every one written before suites. */
export const GM_HASH_PREFIX = 'sm3:';

export class FieldEncryption implements PersonalDataProtector {
  private hmac: Promise<Buffer> | undefined;
  private readonly opened = new Map<string, DataKey>();

  /** `suite` is asked at each use: the embedded runtime may restart under another in one process. */
  constructor(
    private readonly keys: KeySource,
    private readonly suite: () => CryptoSuite = settings.cryptoSuite,
  ) {}

  async hash(value: string): Promise<string> {
    return this.hashUnder(this.suite(), value);
  }

  /**
   * Under every suite, the one in force first. Both suites key their HMAC with the one HMAC key of
   * the key source (KMS data key `KEYRING/HMAC`, or the local key file), so a value hashes the
   * same way under a suite whichever suite is in force: the hashes written before a switch are
   * among those computed after it.
   */
  async lookupHashes(value: string): Promise<string[]> {
    const current = this.suite();
    const order = [current, ...settings.CRYPTO_SUITES.filter((suite) => suite !== current)];
    return Promise.all(order.map((suite) => this.hashUnder(suite, value)));
  }

  private async hashUnder(suite: CryptoSuite, value: string): Promise<string> {
    this.hmac ??= this.keys.hmacKey();
    const gm = suite === 'gm';
    const digest = createHmac(gm ? 'sm3' : 'sha256', await this.hmac)
      .update(value.normalize('NFC'))
      .digest('base64url');
    return gm ? GM_HASH_PREFIX + digest : digest;
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
    return sealField(this.suite(), Buffer.from(key.bytes), Buffer.from(plaintext, 'utf8'));
  }

  decrypt(key: DataKey, ciphertext: string): string {
    return openField(Buffer.from(key.bytes), ciphertext).toString('utf8');
  }
}

/** `<suite tag>:<sealed>`; see `sealWith` (standard) and `sealSm4` (gm). */
export function sealField(suite: CryptoSuite, key: Buffer, plaintext: Buffer): string {
  const sealed = suite === 'gm' ? sealSm4(key, plaintext) : sealWith(key, plaintext);
  return `${SEALED_TAGS[suite]}:${sealed}`;
}

/** Opens a value of either suite; an untagged one was sealed before suites existed (AES-256-GCM). */
export function openField(key: Buffer, sealed: string): Buffer {
  const colon = sealed.indexOf(':');
  const tag = colon === -1 ? SEALED_TAGS.standard : sealed.slice(0, colon);
  const body = sealed.slice(colon + 1);
  if (tag === SEALED_TAGS.standard) return openWith(key, body);
  if (tag === SEALED_TAGS.gm) return openSm4(key, body);
  throw new Error(`Unknown suite "${tag}"`);
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

const SM4_IV_BYTES = 16;
const SM3_MAC_BYTES = 32;

/**
 * The SM4 key is the first 128 bits of the data key, the HMAC-SM3 key the rest: never one key for
 * both. A shorter key would leave the MAC keyless, so it is refused.
 */
function sm4Keys(key: Buffer): [cipher: Buffer, mac: Buffer] {
  if (key.length < 32) throw new Error('SM4 fields need a 256-bit data key');
  return [key.subarray(0, 16), key.subarray(16)];
}

const sm3Mac = (key: Buffer, iv: Buffer, body: Buffer): Buffer =>
  createHmac('sm3', key).update(AAD).update(SEALED_TAGS.gm).update(iv).update(body).digest();

/** `iv(16) | SM4-CTR ciphertext | HMAC-SM3(aad, tag, iv, ciphertext)(32)`, base64url. */
export function sealSm4(key: Buffer, plaintext: Buffer): string {
  const [cipherKey, macKey] = sm4Keys(key);
  const iv = randomBytes(SM4_IV_BYTES);
  const cipher = createCipheriv('sm4-ctr', cipherKey, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, sm3Mac(macKey, iv, body)]).toString('base64url');
}

/** Checks the MAC before decrypting anything (encrypt-then-MAC). */
export function openSm4(key: Buffer, sealed: string): Buffer {
  const [cipherKey, macKey] = sm4Keys(key);
  const raw = Buffer.from(sealed, 'base64url');
  const end = raw.length - SM3_MAC_BYTES;
  const iv = raw.subarray(0, SM4_IV_BYTES);
  const body = raw.subarray(SM4_IV_BYTES, end);
  // Also refuses a value too short to hold an IV and a MAC (the lengths differ).
  if (end < SM4_IV_BYTES || !timingSafeEqual(raw.subarray(end), sm3Mac(macKey, iv, body))) {
    throw new Error('An SM4 field failed its HMAC-SM3 check');
  }
  const decipher = createDecipheriv('sm4-ctr', cipherKey, iv);
  return Buffer.concat([decipher.update(body), decipher.final()]);
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
