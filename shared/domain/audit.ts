import { createHash } from 'node:crypto';

/**
 * Audit trail (domain.md): who, when, what, why — one record per change of state, decision or read
 * of a full ID number. The records of a case form a hash chain: each holds the hash of the one
 * before, so a removed or altered record is detectable.
 *
 * Each record names the algorithm it is hashed with (`hashAlgorithm`, itself covered by the hash):
 * SHA-256, or SM3 under the gm suite (GB/T 39786). A record without one was written before the
 * suites and is SHA-256. A chain may change algorithm at any record and still verifies.
 */
export type Actor = { sub: string; username: string; role: string; orgId: string } | { system: string };

export interface AuditDraft {
  action: string;
  actor: Actor;
  from?: string | undefined;
  to?: string | undefined;
  reason?: string | undefined;
  /** Non-personal details (counts, stage data references); never a full ID number or phone. */
  details?: Record<string, unknown> | undefined;
}

export const HASH_ALGORITHMS = ['sha256', 'sm3'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

export interface AuditRecord extends AuditDraft {
  caseId: string;
  seq: number;
  at: string;
  prevHash: string;
  /** Absent on records written before the suites: SHA-256. */
  hashAlgorithm?: HashAlgorithm | undefined;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function chainAuditRecord(
  caseId: string,
  previous: { seq: number; hash: string },
  draft: AuditDraft,
  at: string,
  hashAlgorithm: HashAlgorithm = 'sha256',
): AuditRecord {
  const body = { ...draft, caseId, seq: previous.seq + 1, at, prevHash: previous.hash, hashAlgorithm };
  return { ...body, hash: auditHash(body) };
}

/** Both algorithms give 256 bits, 64 hex digits (and share the genesis hash). */
export function auditHash(record: Omit<AuditRecord, 'hash'>): string {
  const algorithm = record.hashAlgorithm ?? 'sha256';
  if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new Error(`An audit record names an unknown hash algorithm "${algorithm}"`);
  }
  return createHash(algorithm).update(canonicalJson(record)).digest('hex');
}

/** Recomputes the chain; names the first record that is missing, altered or out of order. */
export function verifyAuditChain(
  records: AuditRecord[],
): { ok: true; count: number } | { ok: false; seq: number; problem: string } {
  let previous = { seq: 0, hash: GENESIS_HASH };
  for (const record of records) {
    if (record.seq !== previous.seq + 1)
      return { ok: false, seq: previous.seq + 1, problem: 'record missing' };
    if (record.prevHash !== previous.hash)
      return { ok: false, seq: record.seq, problem: 'does not follow the record before it' };
    const { hash, ...rest } = record;
    if (!(HASH_ALGORITHMS as readonly string[]).includes(rest.hashAlgorithm ?? 'sha256'))
      return { ok: false, seq: record.seq, problem: 'names an unknown hash algorithm' };
    if (auditHash(rest) !== hash) return { ok: false, seq: record.seq, problem: 'record altered' };
    previous = { seq: record.seq, hash };
  }
  return { ok: true, count: records.length };
}

/** JSON with object keys sorted and undefined dropped: the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
