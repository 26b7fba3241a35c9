import { type AuditRecord, GENESIS_HASH, verifyAuditChain } from '../audit.ts';
import { says } from '../error-codes.ts';
import { Forbidden } from '../errors.ts';
import type { CohortDeps, Page } from '../ports.ts';
import { orgKindOf, type Principal } from '../principal.ts';
import { visibleCohort } from './common.ts';

/**
 * Audit verification (domain.md, "Audit trail"): recompute a case's hash chain from its stored
 * records and compare its end with the head the case itself keeps (sequence number and hash of its
 * last record, written in the same transaction as every change). The chain alone finds a record
 * altered or removed in the middle; the head also finds the last one removed or rewritten.
 */
export interface AuditTrailSource {
  /** Sequence number and hash of the case's last audit record as the case records them; undefined: no such case. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
  history(options: { limit: number; cursor?: string | undefined }): Promise<Page<AuditRecord>>;
}

export type AuditVerification =
  | { caseId: string; ok: true; records: number; head: { seq: number; hash: string } }
  | {
      caseId: string;
      ok: false;
      records: number;
      /** The first record that is missing, altered, out of order or not the case's. */
      broken: { seq: number; problem: string; action?: string | undefined; at?: string | undefined };
    };

export async function verifyAuditTrail(
  caseId: string,
  source: AuditTrailSource,
): Promise<AuditVerification | undefined> {
  const head = await source.head();
  if (!head) return undefined;
  const records: AuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await source.history({ limit: 100, cursor });
    records.push(...page.items.map(asChained));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  const broken = (seq: number, problem: string): AuditVerification => {
    const record = records.find((candidate) => candidate.seq === seq);
    return {
      caseId,
      ok: false,
      records: records.length,
      broken: { seq, problem, action: record?.action, at: record?.at },
    };
  };
  const foreign = records.find((record) => record.caseId !== caseId);
  if (foreign) return broken(foreign.seq, 'belongs to another case');
  const chain = verifyAuditChain(records);
  if (!chain.ok) return broken(chain.seq, chain.problem);
  const last = records.at(-1) ?? { seq: 0, hash: GENESIS_HASH };
  if (head.seq > last.seq) return broken(last.seq + 1, 'record missing');
  if (head.seq < last.seq) return broken(head.seq + 1, 'record after the case’s last one');
  if (head.hash !== last.hash) return broken(last.seq, 'record altered');
  return { caseId, ok: true, records: records.length, head };
}

/**
 * The record as it was chained. Every stored item carries `version` for optimistic locking (an
 * audit record is written once, as version 1) and the history serves it; the hash never covered it.
 * Anything else added to a stored record is an alteration and fails its hash.
 */
function asChained(record: AuditRecord): AuditRecord {
  const { version: _version, ...chained } = record as AuditRecord & { version?: unknown };
  return chained;
}

/**
 * `GET /cohorts/{cohortId}/audit-verification`: a bureau checks a cohort's audit trail. Bureau roles
 * only (403 for others); the cohort must be visible to the caller as any cohort read (404 otherwise).
 */
export async function verifyCohortAudit(
  deps: Pick<CohortDeps, 'store'>,
  principal: Principal,
  cohortId: string,
): Promise<AuditVerification> {
  if (orgKindOf(principal.role) !== 'bureau') throw new Forbidden(says('audit.bureau_only'));
  const cohort = await visibleCohort(deps.store, principal, cohortId);
  const result = await verifyAuditTrail(cohortId, {
    head: async () => ({ seq: cohort.auditSeq, hash: cohort.auditHead }),
    history: (options) => deps.store.history(cohortId, options),
  });
  return result!;
}
