import type { ClaimStore } from '../claim-ports.ts';
import { says } from '../error-codes.ts';
import { Conflict, Forbidden, NotFound } from '../errors.ts';
import type { Organisation } from '../organisation.ts';
import type { Policy } from '../policy.ts';
import { POLICY_PUBLISHERS, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';

/**
 * Policy records, published by the municipal bureau for every district, and budgets, kept by each
 * district's administrator. A policy is never edited in place: each PUT adds a version with its
 * effective date, so a filed cohort keeps the one it was filed under and the history of the rules
 * stays readable.
 */
export interface PolicyWriter {
  addPolicy(policy: Policy, by: string): Promise<void>;
  policy(version: string): Promise<Policy | undefined>;
  organisation(orgId: string): Promise<Organisation | undefined>;
}

/**
 * Publishes a policy version for every district. Only the municipal bureau does, and only one the
 * register knows as such: a token naming some other city's code (or a district's) publishes nothing.
 */
export async function putPolicy(
  deps: { policies: PolicyWriter },
  principal: Principal,
  policy: Policy,
): Promise<Reply> {
  if (!POLICY_PUBLISHERS.includes(principal.role)) throw new Forbidden(says('policy.admin_only'));
  if ((await deps.policies.organisation(principal.orgId))?.kind !== 'city')
    throw new Forbidden(says('policy.city_not_registered', { orgId: principal.orgId }));
  if (await deps.policies.policy(policy.policyVersion)) {
    throw new Conflict(says('policy.version_exists', { policyVersion: policy.policyVersion }));
  }
  await deps.policies.addPolicy(policy, principal.sub);
  return { status: 201, body: policy };
}

export async function getBudget(deps: { claims: ClaimStore }, districtCode: string, year: number) {
  const budget = await deps.claims.budget(districtCode, year);
  if (!budget) throw new NotFound(says('budget.not_found', { districtCode, year }));
  return budget;
}

/** Sets a district's budget for a year: never below what is already reserved and paid. */
export async function putBudget(
  deps: { claims: ClaimStore },
  principal: Principal,
  districtCode: string,
  year: number,
  body: { budgetFen: number; version?: number | undefined },
): Promise<Reply> {
  if (principal.role !== 'bureau.admin' || principal.orgId !== districtCode) {
    throw new Forbidden(says('budget.own_bureau_only'));
  }
  const current = await deps.claims.budget(districtCode, year);
  if (current && body.version !== undefined && body.version !== current.version) {
    throw new Conflict(says('budget.version_mismatch', { version: current.version }), {
      version: current.version,
    });
  }
  if (current && body.budgetFen < current.reservedFen + current.paidFen) {
    throw new Conflict(says('budget.below_committed', { fen: current.reservedFen + current.paidFen }));
  }
  await deps.claims.setBudget(districtCode, year, body.budgetFen, current);
  return { status: current ? 200 : 201, body: await deps.claims.budget(districtCode, year) };
}
