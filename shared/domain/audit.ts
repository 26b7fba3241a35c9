import { createHash } from 'node:crypto';

/**
 * Audit trail (domain.md): who, when, what, why — one record per change of state, decision or read
 * of a full ID number. The records of a case form a hash chain: each holds the hash of the one
 * before, so a removed or altered record is detectable.
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

export interface AuditRecord extends AuditDraft {
  caseId: string;
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function chainAuditRecord(
  caseId: string,
  previous: { seq: number; hash: string },
  draft: AuditDraft,
  at: string,
): AuditRecord {
  const body = { ...draft, caseId, seq: previous.seq + 1, at, prevHash: previous.hash };
  return { ...body, hash: auditHash(body) };
}

export function auditHash(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
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
