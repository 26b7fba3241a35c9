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

/**
 * The projector (issue 15 item 5): a case changed (an audit record was written in its partition),
 * so its cells are computed again from the partition and the difference is added to the
 * aggregates. A claim's change also projects its cohort: a payment moves the cohort's ledger in
 * the claim's transaction. Idempotent: projecting an unchanged case adds nothing, and a
 * redelivered event only projects the case again.
 */
export async function projectCaseChange(deps: ProjectionDeps, pk: string): Promise<{ projected: string[] }> {
  const projected: string[] = [];
  const cohortPk = await projectPartition(deps, pk);
  projected.push(pk);
  if (cohortPk) {
    await projectPartition(deps, cohortPk);
    projected.push(cohortPk);
  }
  return { projected };
}

/** Projects one case partition; answers its cohort's partition when the case is a claim. */
async function projectPartition(deps: ProjectionDeps, pk: string): Promise<string | undefined> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    // The kept cells first, then the case: a projection that commits in between makes ours stale.
    const kept = await deps.readModels.keptCells(pk);
    const partition = await deps.readModels.casePartition(pk);
    if (!partition) return undefined;
    const cohortPk = partition.kind === 'claim' ? `COHORT#${partition.claim.cohortId}` : undefined;
    const cells = await cellsOf(deps, partition);
    const delta = cellsDelta(kept?.cells ?? {}, cells);
    if (Object.keys(delta).length === 0) return cohortPk;
    const auditSeq = partition.audit.at(-1)?.seq ?? 0;
    const outcome = await deps.readModels.applyCells(pk, { cells, auditSeq }, delta, kept?.version);
    if (outcome === 'applied') return cohortPk;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
  }
  throw new Error(
    `Projection of ${pk} lost ${ATTEMPTS} times to concurrent projections; the event is retried`,
  );
}
