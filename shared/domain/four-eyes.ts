import { type Said, says } from './error-codes.ts';
import { Forbidden } from './errors.ts';
import type { Principal } from './principal.ts';

/**
 * Four eyes (domain.md, "Parties, roles"): a case has the people who prepared it — created it,
 * changed it, submitted it — and the people who approve it, and no person is both. The rule is by
 * person (`sub`), not by role: a user whose group changed from clerk to signatory is still the one
 * who prepared the case. The bureau's two steps of a claim (reviewer, treasurer) are held apart
 * the same way.
 */
export interface Prepared {
  /** Everyone who prepared the case so far (older records: only their creator or preparer). */
  preparers?: readonly string[] | undefined;
  createdBy?: string | undefined;
  preparedBy?: string | undefined;
}

export function preparersOf(record: Prepared): string[] {
  return [...new Set([...(record.preparers ?? []), record.createdBy, record.preparedBy].filter(isString))];
}

/** The preparers once `sub` has also worked on the case. */
export function withPreparer(record: Prepared, sub: string): string[] {
  return [...new Set([...preparersOf(record), sub])];
}

const PREPARER_APPROVES = {
  'a cohort': 'four_eyes.cohort_preparer_approves',
  'a claim': 'four_eyes.claim_preparer_approves',
} as const;

/** Refuses a decision by someone who prepared the case (403). */
export function refuseOwnCase(
  principal: Principal,
  record: Prepared,
  what: keyof typeof PREPARER_APPROVES,
): void {
  if (preparersOf(record).includes(principal.sub)) {
    throw new Forbidden(says(PREPARER_APPROVES[what]));
  }
}

/** Refuses a step by the person who took the step before it (reviewer → treasurer). */
export function refuseSamePerson(principal: Principal, earlier: string | undefined, reason: Said): void {
  if (earlier !== undefined && earlier === principal.sub) throw new Forbidden(reason);
}

const isString = (value: unknown): value is string => typeof value === 'string';
