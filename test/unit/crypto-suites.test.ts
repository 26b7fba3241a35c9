import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CRYPTO_SUITES, type CryptoSuite, ENVIRONMENT } from '../../shared/adapters/config.ts';
import {
  FieldEncryption,
  GM_HASH_PREFIX,
  LocalKeyFile,
  openField,
  SEALED_TAGS,
  sealWith,
} from '../../shared/adapters/crypto/personal-data.ts';
import {
  type AuditRecord,
  canonicalJson,
  chainAuditRecord,
  GENESIS_HASH,
  type HashAlgorithm,
  verifyAuditChain,
} from '../../shared/domain/audit.ts';
import { claimValues, principalFromClaims } from '../../shared/http/principal.ts';

/**
 * The two cryptographic suites (issue 18), each of them and both in one table: personal fields
 * (AES-256-GCM or SM4-CTR + HMAC-SM3), look-up hashes (HMAC-SHA256 or HMAC-SM3) and the audit chain
 * (SHA-256 or SM3). Whatever the suite is now, what was sealed or chained under the other one opens
 * and verifies.
 */
const ALGORITHM: Record<CryptoSuite, HashAlgorithm> = { standard: 'sha256', gm: 'sm3' };
const other = (suite: CryptoSuite): CryptoSuite => (suite === 'gm' ? 'standard' : 'gm');

function protector(
  suite: () => CryptoSuite,
  keyFile = join(mkdtempSync(join(tmpdir(), 'pii-')), 'key.json'),
) {
  return { pii: new FieldEncryption(new LocalKeyFile(keyFile), suite), keyFile };
}

describe('the algorithms are the standard ones (known-answer vectors)', () => {
  it('SM3 of "abc" (GB/T 32905-2016, appendix A.1)', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });

  it('SM4 of its own key (GB/T 32907-2016, appendix A.1)', () => {
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const cipher = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    expect(Buffer.concat([cipher.update(key), cipher.final()]).toString('hex')).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });
});

describe.each(CRYPTO_SUITES)('personal fields under the %s suite', (suite) => {
  it('seal with the suite’s tag and open again', async () => {
    const { pii } = protector(() => suite);
    const { key } = await pii.newDataKey();
    const sealed = pii.encrypt(key, '110108200001011237');
    expect(sealed.startsWith(`${SEALED_TAGS[suite]}:`)).toBe(true);
    expect(sealed).not.toContain('110108200001011237');
    expect(pii.decrypt(key, sealed)).toBe('110108200001011237');
    expect(pii.encrypt(key, '110108200001011237')).not.toBe(sealed); // a fresh IV each time
  });

  it('refuse a value altered anywhere (authenticated encryption)', async () => {
    const { pii } = protector(() => suite);
    const { key } = await pii.newDataKey();
    const sealed = pii.encrypt(key, '13800138000');
    const [tag, body] = sealed.split(':') as [string, string];
    const raw = Buffer.from(body, 'base64url');
    for (const index of [0, 20, raw.length - 1]) {
      const altered = Buffer.from(raw);
      altered[index]! ^= 1;
      expect(() => pii.decrypt(key, `${tag}:${altered.toString('base64url')}`), `byte ${index}`).toThrow();
    }
    const { key: another } = await pii.newDataKey();
    expect(() => pii.decrypt(another, sealed)).toThrow();
  });

  it(`open what the ${other(suite)} suite sealed with the same data key, and untagged values of before the suites`, async () => {
    let current: CryptoSuite = other(suite);
    const { pii } = protector(() => current);
    const { key } = await pii.newDataKey();
    const before = pii.encrypt(key, '李娜 110108200001011237');
    current = suite;
    expect(pii.decrypt(key, before)).toBe('李娜 110108200001011237');
    const legacy = sealWith(Buffer.from(key.bytes), Buffer.from('13800138000'));
    expect(pii.decrypt(key, legacy)).toBe('13800138000');
  });

  it('hash for look-ups with the suite’s HMAC, the same value always the same', async () => {
    const { pii, keyFile } = protector(() => suite);
    const hash = await pii.hash('110108200001011237');
    expect(await pii.hash('110108200001011237')).toBe(hash);
    expect(await pii.hash('110108200001011245')).not.toBe(hash);
    expect(hash.startsWith(GM_HASH_PREFIX)).toBe(suite === 'gm');
    const { pii: otherSuite } = protector(() => other(suite), keyFile);
    expect(await otherSuite.hash('110108200001011237')).not.toBe(hash);
  });

  it(`gives every look-up hash, its own first, then the one the ${other(suite)} suite hashes with the same key`, async () => {
    const id = '110108200001011237';
    const { pii, keyFile } = protector(() => suite);
    const { pii: otherSuite } = protector(() => other(suite), keyFile);
    const hashes = await pii.lookupHashes(id);
    expect(hashes).toEqual([await pii.hash(id), await otherSuite.hash(id)]);
    expect(hashes.filter((hash) => hash.startsWith(GM_HASH_PREFIX))).toHaveLength(1);
    // The same set under either suite (only the order differs), so markers written under one are found from the other.
    expect(await otherSuite.lookupHashes(id)).toEqual([...hashes].reverse());
    // Known-answer: HMAC of the key file's one HMAC key, SHA-256 bare and SM3 prefixed.
    const hmacKey = await new LocalKeyFile(keyFile).hmacKey();
    const expected = {
      standard: createHmac('sha256', hmacKey).update(id).digest('base64url'),
      gm: GM_HASH_PREFIX + createHmac('sm3', hmacKey).update(id).digest('base64url'),
    };
    expect(hashes).toEqual([expected[suite], expected[other(suite)]]);
  });
});

it('refuses a sealed value that names a suite it does not know', () => {
  expect(() => openField(randomBytes(32), 'rot13:abcd')).toThrow('Unknown suite "rot13"');
});

describe.each(CRYPTO_SUITES)('the audit chain under the %s suite', (suite) => {
  const chain = (algorithms: HashAlgorithm[]): AuditRecord[] => {
    const records: AuditRecord[] = [];
    let previous = { seq: 0, hash: GENESIS_HASH };
    for (const [index, algorithm] of algorithms.entries()) {
      const record = chainAuditRecord(
        'COHORT1',
        previous,
        { action: `step.${index}`, actor: { system: 'test' }, reason: '核实' },
        `2027-03-0${index + 1}T00:00:00.000Z`,
        algorithm,
      );
      records.push(record);
      previous = record;
    }
    return records;
  };

  it('names its algorithm in every record and verifies', () => {
    const records = chain([ALGORITHM[suite], ALGORITHM[suite], ALGORITHM[suite]]);
    expect(records.map((record) => record.hashAlgorithm)).toEqual(Array(3).fill(ALGORITHM[suite]));
    for (const record of records) expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyAuditChain(records)).toEqual({ ok: true, count: 3 });
  });

  it('finds an altered record, a removed one, and a record whose algorithm was changed', () => {
    const records = chain([ALGORITHM[suite], ALGORITHM[suite], ALGORITHM[suite]]);
    expect(
      verifyAuditChain(records.map((r) => (r.seq === 2 ? { ...r, reason: '已核实' } : r))),
    ).toMatchObject({
      ok: false,
      seq: 2,
      problem: 'record altered',
    });
    expect(verifyAuditChain(records.filter((r) => r.seq !== 2))).toMatchObject({ ok: false, seq: 2 });
    const switched = records.map((r) => (r.seq === 2 ? { ...r, hashAlgorithm: ALGORITHM[other(suite)] } : r));
    expect(verifyAuditChain(switched)).toMatchObject({ ok: false, seq: 2, problem: 'record altered' });
    const unknown = records.map((r) => (r.seq === 3 ? { ...r, hashAlgorithm: 'md5' as HashAlgorithm } : r));
    expect(verifyAuditChain(unknown)).toMatchObject({
      ok: false,
      seq: 3,
      problem: 'names an unknown hash algorithm',
    });
  });

  it(`continues a chain begun under the ${other(suite)} suite, and one written before the suites`, () => {
    const mixed = chain([ALGORITHM[other(suite)], ALGORITHM[other(suite)], ALGORITHM[suite]]);
    expect(verifyAuditChain(mixed)).toEqual({ ok: true, count: 3 });
    // A record of before the suites: no hashAlgorithm, SHA-256 over the record without it.
    const legacy = chainAuditRecord(
      'COHORT1',
      { seq: 0, hash: GENESIS_HASH },
      { action: 'cohort.created', actor: { system: 'test' } },
      '2026-01-01T00:00:00.000Z',
    );
    const { hashAlgorithm: _dropped, ...withoutAlgorithm } = legacy;
    const { hash: _hash, ...body } = withoutAlgorithm;
    const old: AuditRecord = {
      ...body,
      hash: createHash('sha256').update(canonicalJson(body)).digest('hex'),
    };
    const next = chainAuditRecord(
      'COHORT1',
      old,
      { action: 'cohort.submitted', actor: { system: 'test' } },
      '2027-01-01T00:00:00.000Z',
      ALGORITHM[suite],
    );
    expect(verifyAuditChain([old, next])).toEqual({ ok: true, count: 2 });
  });
});

describe('the principal, through ROLES_CLAIM and ORG_CLAIM', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('reads a claim as an array, a flattened "[a b]" or a space-separated string', () => {
    expect(claimValues(['a', 'b'])).toEqual(['a', 'b']);
    expect(claimValues('[a b]')).toEqual(['a', 'b']);
    expect(claimValues('a b')).toEqual(['a', 'b']);
    expect(claimValues('110108')).toEqual(['110108']);
    expect(claimValues(undefined)).toEqual([]);
    expect(claimValues(7)).toEqual([]);
  });

  it('takes the role and organisation from the named claims and ignores Cognito’s then', () => {
    process.env[ENVIRONMENT.rolesClaim] = 'roles';
    process.env[ENVIRONMENT.orgClaim] = 'org_code';
    expect(
      principalFromClaims({
        sub: 'u1',
        preferred_username: 'zhang',
        roles: '[bureau.reviewer]',
        org_code: '110108',
      }),
    ).toEqual({ sub: 'u1', username: 'zhang', role: 'bureau.reviewer', orgId: '110108' });
    expect(() =>
      principalFromClaims({ sub: 'u1', 'cognito:groups': '[bureau.reviewer]', 'custom:org': '110108' }),
    ).toThrow('exactly one role');
  });

  it('defaults to Cognito’s claims', () => {
    delete process.env[ENVIRONMENT.rolesClaim];
    delete process.env[ENVIRONMENT.orgClaim];
    expect(
      principalFromClaims({
        sub: 'u1',
        'cognito:username': 'li',
        'cognito:groups': '[enterprise.clerk]',
        'custom:org': 'X',
      }),
    ).toEqual({ sub: 'u1', username: 'li', role: 'enterprise.clerk', orgId: 'X' });
  });
});
