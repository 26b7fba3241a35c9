import type { ClaimStatus } from '../claim.ts';
import { type ClaimRecord, canSeeClaim, claimReadView } from '../claim.ts';
import type { ClaimStore } from '../claim-ports.ts';
import type { DocumentStore } from '../document-ports.ts';
import { says } from '../error-codes.ts';
import { NotFound } from '../errors.ts';
import type { CohortDeps } from '../ports.ts';
import { orgKindOf, type Principal } from '../principal.ts';
import { acrossDistricts } from './city-reads.ts';

/** What the claim use cases need; reads need only the claim store. */
export type ClaimDeps = Pick<CohortDeps, 'store' | 'reference' | 'clock' | 'newId'> & {
  claims: ClaimStore;
  documents: Pick<DocumentStore, 'getMany'>;
};

/** The claim if the caller may see it, else 404 (existence does not leak). */
export async function visibleClaim(
  claims: ClaimStore,
  principal: Principal,
  claimId: string,
): Promise<ClaimRecord> {
  const claim = await claims.get(claimId);
  if (!claim || !canSeeClaim(principal, claim)) throw new NotFound(says('claim.not_found', { claimId }));
  return claim;
}

export async function getClaim(
  deps: Pick<ClaimDeps, 'claims'> & Partial<Pick<ClaimDeps, 'clock'>>,
  principal: Principal,
  claimId: string,
) {
  return claimReadView(await visibleClaim(deps.claims, principal, claimId), deps.clock?.now());
}

/** The caller's claims by its party's index; the municipal bureau's walk its districts' (as cohorts do). */
export async function listClaims(
  deps: Pick<ClaimDeps, 'claims' | 'reference'> & Partial<Pick<ClaimDeps, 'clock'>>,
  principal: Principal,
  query: { status?: ClaimStatus | undefined; limit: number; cursor?: string | undefined },
) {
  const kind = orgKindOf(principal.role);
  const now = deps.clock?.now();
  const page =
    kind === 'city'
      ? await acrossDistricts(deps.reference, principal.orgId, query, (districtCode, part) =>
          deps.claims.listForParty({ kind: 'bureau', orgId: districtCode }, { ...query, ...part }),
        )
      : await deps.claims.listForParty({ kind, orgId: principal.orgId }, query);
  return { items: page.items.map((claim) => claimReadView(claim, now)), nextCursor: page.nextCursor };
}

export async function claimHistory(
  deps: Pick<ClaimDeps, 'claims'>,
  principal: Principal,
  claimId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await visibleClaim(deps.claims, principal, claimId);
  return deps.claims.history(claimId, query);
}
