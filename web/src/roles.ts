/**
 * Who may open which screen. The API decides what each role may do and see (403/404); the console
 * only keeps people off screens that are not theirs, so a URL typed by hand shows "not your
 * screen" instead of a form that would fail.
 */
import type { Role } from '../../shared/domain/principal.ts';

export type { Role };

export type Screen =
  | 'inbox'
  | 'cohorts'
  | 'cohort'
  | 'cohortNew'
  | 'cohortEdit'
  | 'enrolment'
  | 'review'
  | 'outcomes'
  | 'claims'
  | 'claim'
  | 'claimNew'
  | 'claimEdit'
  | 'claimVerify'
  | 'claimReview'
  | 'payments'
  | 'budget';

const EVERYONE: readonly Role[] = [
  'enterprise.clerk',
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
];

export const SCREEN_ROLES: Readonly<Record<Screen, readonly Role[]>> = {
  inbox: EVERYONE,
  cohorts: EVERYONE,
  cohort: EVERYONE,
  cohortNew: ['enterprise.clerk'],
  cohortEdit: ['enterprise.clerk'],
  enrolment: ['school.registrar'],
  review: ['bureau.reviewer'],
  // Outcomes and certificates are recorded by the school or the enterprise clerk (domain.md).
  outcomes: ['enterprise.clerk', 'school.registrar'],
  claims: EVERYONE,
  claim: EVERYONE,
  claimNew: ['enterprise.clerk'],
  claimEdit: ['enterprise.clerk'],
  claimVerify: ['school.registrar'],
  claimReview: ['bureau.reviewer'],
  payments: ['bureau.treasurer'],
  budget: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin'],
};

export function mayOpen(role: Role, screen: Screen): boolean {
  return SCREEN_ROLES[screen].includes(role);
}

export function orgKindOf(role: Role): 'enterprise' | 'school' | 'bureau' {
  return role.split('.')[0] as 'enterprise' | 'school' | 'bureau';
}

/** Where a role starts: its inbox, except the clerk, whose work starts from its cohorts. */
export function homeOf(role: Role): string {
  return role === 'enterprise.clerk' || role === 'bureau.admin' ? '/app/cohorts' : '/app/inbox';
}
