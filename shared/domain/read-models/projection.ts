import { type Policy, settlementRules } from '../policy.ts';
import type { ReferenceData } from '../ports.ts';
import { type Cells, cellsDelta, claimCells, cohortCells, type SettlementTerms } from './cells.ts';
import type { CasePartition, ReadModelStore } from './ports.ts';

export interface ProjectionDeps {
  readModels: ReadModelStore;
  reference: Pick<ReferenceData, 'policy'>;
}

/** Policy versions never change once published: their settlement terms are kept per process. */
const termsByVersion = new Map<string, SettlementTerms>();

async function termsOf(deps: ProjectionDeps, version: string | undefined): Promise<SettlementTerms> {
  if (!version) return termsOfPolicy(undefined);
  let terms = termsByVersion.get(version);
  if (!terms) {
    const policy = await deps.reference.policy(version);
    terms = termsOfPolicy(policy);
    termsByVersion.set(version, terms);
  }
  return terms;
}

/** The cells of a case, from its partition alone (and its cohort's published policy terms). */
export async function cellsOf(deps: ProjectionDeps, partition: CasePartition): Promise<Cells> {
  if (partition.kind === 'claim') return claimCells(partition.claim, partition.audit);
  return cohortCells(partition.cohort, partition.audit, await termsOf(deps, partition.cohort.policyVersion));
}

/** A cohort filed under a version no longer found reads as domain.md's defaults. */
function termsOfPolicy(policy: Policy | undefined): SettlementTerms {
  const rules = settlementRules(policy ?? ({} as Policy));
  return {
    advanceShareBasisPoints: rules.advanceShareBasisPoints,
    interimClaims: rules.interimClaims,
    advanceOnFirstYear: rules.advanceBasis === 'first_year',
  };
}

const ATTEMPTS = 8;

/** The sequence number of an audit record's sort key (`AUDIT#0000000012` → 12), when it is one. */
function seqOf(sk: string | undefined): number | undefined {
  const match = sk ? /^AUDIT#(\d+)$/.exec(sk) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * The projector (issue 15 item 5): a case changed (an audit record was written in its partition),
 * so its cells are computed again from the partition and the difference is added to the
 * aggregates. A claim's change also projects its cohort: a payment moves the cohort's ledger in
 * the claim's transaction. Idempotent: projecting an unchanged case adds nothing, and a
 * redelivered event only projects the case again.
 *
 * The kept cells remember the last audit record they were projected from, so an event for a
 * record already projected (a burst of changes to one case: the first projection read them all;
 * a redelivery) costs one GetItem, not a read of the partition. A claim's cohort is projected
 * before the claim's own cells are kept, so a claim whose kept cells cover the record also had
 * its cohort projected from a read after it.
 */
export async function projectCaseChange(
  deps: ProjectionDeps,
  pk: string,
  sk?: string,
): Promise<{ projected: string[] }> {
  const projected: string[] = [];
  await projectPartition(deps, pk, seqOf(sk), projected);
  return { projected };
}

/** Projects one case partition (a claim's cohort first), unless its kept cells already cover `seq`. */
async function projectPartition(
  deps: ProjectionDeps,
  pk: string,
  seq: number | undefined,
  projected: string[],
): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    // The kept cells first, then the case: a projection that commits in between makes ours stale.
    const kept = await deps.readModels.keptCells(pk);
    if (seq !== undefined && kept && kept.auditSeq >= seq) return;
    const partition = await deps.readModels.casePartition(pk);
    if (!partition) return;
    if (partition.kind === 'claim') {
      const cohortPk = `COHORT#${partition.claim.cohortId}`;
      if (!projected.includes(cohortPk)) await projectPartition(deps, cohortPk, undefined, projected);
    }
    const cells = await cellsOf(deps, partition);
    const delta = cellsDelta(kept?.cells ?? {}, cells);
    const auditSeq = partition.audit.at(-1)?.seq ?? 0;
    // Nothing to add, and the kept cells already say which record they were read at.
    if (Object.keys(delta).length === 0 && kept && kept.auditSeq >= auditSeq) break;
    const outcome = await deps.readModels.applyCells(pk, { cells, auditSeq }, delta, kept?.version);
    if (outcome === 'applied') break;
    if (attempt === ATTEMPTS)
      throw new Error(
        `Projection of ${pk} lost ${ATTEMPTS} times to concurrent projections; the event is retried`,
      );
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
  }
  if (!projected.includes(pk)) projected.push(pk);
}
