import type { Role } from '../../infra/local/demo-register.ts';

/**
 * The authorization table of the routes that act on filed cohorts, claims, budgets, policy and
 * reports (issue 4), written from domain.md and architecture.md. `test/security/authorization-claims.test.ts`
 * runs it; `authorization-matrix.test.ts` (cohorts and their reviews) checks that every route of
 * the function map is in one of the two tables.
 */

/** What a fixture is: a filed cohort without claims, or a claim (on its own filed cohort) in a state. */
export type ClaimFixtureKind =
  | 'FILED'
  | 'PREPARED'
  | 'SCHOOL_VERIFICATION'
  | 'BUREAU_REVIEW'
  | 'PUBLIC_NOTICE'
  | 'PAYMENT'
  | 'PAID'
  | 'RETURNED';

export type ClaimStage = 'SCHOOL_VERIFICATION' | 'BUREAU_REVIEW' | 'PUBLIC_NOTICE' | 'PAYMENT';

/** domain.md "Claim workflow": whose task each stage is (the notice's wait is the reviewer's, unlisted). */
export const CLAIM_TURN: Record<ClaimStage, Role> = {
  SCHOOL_VERIFICATION: 'school.registrar',
  BUREAU_REVIEW: 'bureau.reviewer',
  PUBLIC_NOTICE: 'bureau.reviewer',
  PAYMENT: 'bureau.treasurer',
};

export interface ClaimExpectation {
  /** Who may call at all: 403 for every other role, before any case is looked up. */
  roles: 'signed-in' | readonly Role[];
  /**
   * Only the caller's own organisation (a budget is set by its own bureau's administrator, the
   * policy by the register's municipal bureau): 403 otherwise.
   */
  ownOrganisation?: true | 404;
  /**
   * What the route acts on: a claim (404 unless the caller's organisation is a party and, for a
   * school or bureau, the claim was submitted), the claim's task (also 403 unless it is the
   * caller's turn), a filed cohort (404 unless a party), or a cohort named in the body (400: the
   * body names no cohort of the caller's enterprise).
   */
  scope?: 'claim' | 'task' | 'cohort' | 'body-cohort';
  /** The fixture kinds the action applies to; a party gets 409 on any other. */
  states?: readonly ClaimFixtureKind[];
  /** Status of a call that is allowed and applies. */
  ok: number;
  /** The answer lists claims: it must name exactly those the caller may see. */
  lists?: 'claims';
}

const CLERK: Role = 'enterprise.clerk';
/**
 * Every role but the municipal bureau's: city.admin reads every district's cases and reports, and
 * never decides a task or opens evidence (full ID numbers are the district reviewer's, domain.md).
 */
const CASE_ROLES: readonly Role[] = [
  CLERK,
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
];
/** domain.md: the clerk edits a claim and the signatory submits it while PREPARED or RETURNED. */
const EDITABLE: readonly ClaimFixtureKind[] = ['PREPARED', 'RETURNED'];
/** Changes while FILED apply to a cohort still FILED (a COMPLETED one takes no more changes). */
const COHORT_FILED: readonly ClaimFixtureKind[] = [
  'FILED',
  'PREPARED',
  'SCHOOL_VERIFICATION',
  'BUREAU_REVIEW',
  'PAYMENT',
  'PAID',
  'RETURNED',
];

export const CLAIM_EXPECTED: Record<string, ClaimExpectation> = {
  'POST /cohorts/{cohortId}/apprentices/{apprenticeId}/withdrawal': {
    roles: [CLERK],
    scope: 'cohort',
    states: COHORT_FILED,
    ok: 200,
  },
  'POST /cohorts/{cohortId}/apprentices/{apprenticeId}/outcome': {
    roles: ['school.registrar', CLERK],
    scope: 'cohort',
    states: COHORT_FILED,
    ok: 200,
  },
  // The body replaces a school mentor: the school's registrar only (an enterprise mentor is the signatory's).
  'PUT /cohorts/{cohortId}/apprentices/{apprenticeId}/mentors': {
    roles: ['school.registrar'],
    scope: 'cohort',
    states: COHORT_FILED,
    ok: 200,
  },
  // An advance on the fixture's cohort: only a cohort with no claim yet takes one.
  'POST /claims': { roles: [CLERK], scope: 'body-cohort', states: ['FILED'], ok: 201 },
  'GET /claims': { roles: 'signed-in', ok: 200, lists: 'claims' },
  'GET /claims/{claimId}': { roles: 'signed-in', scope: 'claim', ok: 200 },
  'PATCH /claims/{claimId}': { roles: [CLERK], scope: 'claim', states: EDITABLE, ok: 200 },
  'POST /claims/{claimId}/submit': {
    roles: ['enterprise.signatory'],
    scope: 'claim',
    states: EDITABLE,
    ok: 200,
  },
  'GET /claims/{claimId}/history': { roles: 'signed-in', scope: 'claim', ok: 200 },
  // The commitment (承诺书) text a signatory accepts on submitting: everyone signed in reads it.
  'GET /commitments/current': { roles: 'signed-in', ok: 200 },
  'POST /claims/{claimId}/objection': {
    roles: ['bureau.reviewer'],
    scope: 'claim',
    states: ['PUBLIC_NOTICE'],
    ok: 200,
  },
  // A claim's task: decided at school verification, bureau review and payment; a notice's wait is
  // nobody's decision (409 for the reviewer whose wait it is).
  'POST /tasks/{taskId}/decision': {
    roles: CASE_ROLES,
    scope: 'task',
    states: ['SCHOOL_VERIFICATION', 'BUREAU_REVIEW', 'PAYMENT'],
    ok: 200,
  },
  // Evidence documents of a filed cohort: announced by its enterprise's clerk (FILED or COMPLETED),
  // read by the cohort's parties.
  'POST /cohorts/{cohortId}/documents': { roles: [CLERK], scope: 'cohort', ok: 201 },
  'GET /documents/{documentId}': { roles: CASE_ROLES, scope: 'cohort', ok: 200 },
  // The policy is the city's: published by the municipal bureau of the register only (domain.md).
  'PUT /policy': { roles: ['city.admin'], ownOrganisation: true, ok: 201 },
  // A draft against the open cohorts: the same publisher only; it stores nothing (issue 12 item 5).
  'POST /policy/preview': { roles: ['city.admin'], ownOrganisation: true, ok: 200 },
  'GET /budgets/{districtCode}/{year}': { roles: 'signed-in', ok: 200 },
  'PUT /budgets/{districtCode}/{year}': { roles: ['bureau.admin'], ownOrganisation: true, ok: 200 },
  // The district's credit blacklist (issue 13 item 5): kept by the administrator of the
  // enterprise's district (another district's: 403), read by the bureau roles (their district's
  // list) and by an enterprise's clerk and signatory (their own listing). The PUT lists enterprise
  // A from 2099 (so no submission of the fixtures is stopped); the DELETE removes enterprise B's
  // listing, written before the cases run.
  'PUT /credit-blacklist/{enterpriseId}': { roles: ['bureau.admin'], ownOrganisation: true, ok: 201 },
  'DELETE /credit-blacklist/{enterpriseId}': { roles: ['bureau.admin'], ownOrganisation: true, ok: 200 },
  'GET /credit-blacklist': {
    roles: [
      'bureau.reviewer',
      'bureau.treasurer',
      'bureau.admin',
      'enterprise.clerk',
      'enterprise.signatory',
    ],
    ok: 200,
  },
  // Employment verification (issue 13 items 1-3). The import is the district administrator's; the
  // table sends a file with no rows (400 past the role check): a real import would start checking
  // every filing and payment of the district, the fixtures' releases among them.
  'POST /employment-records/imports': { roles: ['bureau.admin'], ok: 400 },
  // The checks of a cohort: its parties (and the city), like its history.
  'GET /cohorts/{cohortId}/employment-checks': { roles: 'signed-in', scope: 'cohort', ok: 200 },
  'GET /overrides': { roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin'], ok: 200 },
  // An override names a case of the reviewer's district (another district's: 404, as the case is not theirs).
  'POST /overrides': { roles: ['bureau.reviewer'], scope: 'cohort', ok: 201 },
  // Confirmed by another bureau user of the district (each call gets an override of its own, written
  // by a reviewer none of the callers is); another district's override is not found there.
  'POST /overrides/{overrideId}/confirm': {
    roles: ['bureau.reviewer', 'bureau.admin'],
    ownOrganisation: 404,
    ok: 200,
  },
  'GET /reports/subsidies': {
    roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'],
    ok: 200,
  },
  // What the bureau watches (issue 15): the bureau roles and the city read the reports; the demand
  // list is the district administrator's own (it is kept under the caller's district).
  'GET /reports/liability': {
    roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'],
    ok: 200,
  },
  'GET /reports/pipeline': {
    roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'],
    ok: 200,
  },
  'GET /reports/stage-times': {
    roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'],
    ok: 200,
  },
  'GET /reports/demand': {
    roles: ['bureau.reviewer', 'bureau.treasurer', 'bureau.admin', 'city.admin'],
    ok: 200,
  },
  'PUT /demand-lists/{period}': { roles: ['bureau.admin'], ok: 200 },
};
