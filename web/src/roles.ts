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
  | 'budget'
  | 'policy'
  | 'blacklist'
  | 'employment';

/** The roles that take part in cases: everyone but the municipal bureau, which reads them. */
const PARTIES: readonly Role[] = [
  'enterprise.clerk',
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
];
const EVERYONE: readonly Role[] = [...PARTIES, 'city.admin'];
const BUREAUS: readonly Role[] = ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'];

export const SCREEN_ROLES: Readonly<Record<Screen, readonly Role[]>> = {
  // The municipal bureau decides nothing, so it has no inbox.
  inbox: PARTIES,
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
  // A district's budget and reports; the municipal bureau's is the city's, by district.
  budget: BUREAUS,
  // The city's policy: published by city.admin, read by the district bureaus.
  policy: BUREAUS,
  // The district's credit blacklist: read by its bureau roles, kept by its administrator.
  blacklist: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin'],
  // The district's employment register (社保核验): imports by its administrator, overrides by its bureau.
  employment: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin'],
};

/** Only the municipal bureau publishes policy versions (domain.md, "Parties"). */
export function mayPublishPolicy(role: Role): boolean {
  return role === 'city.admin';
}

export function mayOpen(role: Role, screen: Screen): boolean {
  return SCREEN_ROLES[screen].includes(role);
}

export function orgKindOf(role: Role): 'enterprise' | 'school' | 'bureau' | 'city' {
  return role.split('.')[0] as 'enterprise' | 'school' | 'bureau' | 'city';
}

/**
 * Where a role starts: its inbox, except the clerk and the district administrator, whose work
 * starts from the cohorts, and the municipal bureau, whose starts from the policy it publishes.
 */
export function homeOf(role: Role): string {
  if (role === 'city.admin') return '/app/policy';
  return role === 'enterprise.clerk' || role === 'bureau.admin' ? '/app/cohorts' : '/app/inbox';
}
