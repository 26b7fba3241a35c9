/**
 * Client routes live under `/app/…` (plus `/auth/callback` for the hosted sign-in), paths that
 * the HTTP API contract never uses: the embedded runtime and CloudFront both answer them with
 * `index.html`, and the API keeps every path it owns.
 */
export type Route =
  | { name: 'signIn' }
  | { name: 'callback' }
  | { name: 'home' }
  | { name: 'inbox' }
  | { name: 'cohorts' }
  | { name: 'cohortNew' }
  | { name: 'cohort'; cohortId: string }
  | { name: 'cohortEdit'; cohortId: string }
  | { name: 'enrolment'; cohortId: string }
  | { name: 'review'; cohortId: string }
  | { name: 'outcomes'; cohortId: string }
  | { name: 'claimNew'; cohortId: string }
  | { name: 'claims' }
  | { name: 'claim'; claimId: string }
  | { name: 'claimEdit'; claimId: string }
  | { name: 'claimVerify'; claimId: string }
  | { name: 'claimReview'; claimId: string }
  | { name: 'payments' }
  | { name: 'budget' }
  | { name: 'policy' }
  | { name: 'blacklist' }
  | { name: 'employment' }
  | { name: 'publicNotices'; districtCode: string }
  | { name: 'notFound' };

const CASE_ID = '([0-9A-Za-z]{1,64})';

const PATTERNS: [RegExp, (match: RegExpExecArray) => Route][] = [
  [/^\/?$/, () => ({ name: 'home' })],
  [/^\/app\/?$/, () => ({ name: 'home' })],
  [/^\/app\/sign-in$/, () => ({ name: 'signIn' })],
  [/^\/auth\/callback$/, () => ({ name: 'callback' })],
  [/^\/app\/inbox$/, () => ({ name: 'inbox' })],
  [/^\/app\/cohorts$/, () => ({ name: 'cohorts' })],
  [/^\/app\/cohorts\/new$/, () => ({ name: 'cohortNew' })],
  [new RegExp(`^/app/cohorts/${CASE_ID}$`), (m) => ({ name: 'cohort', cohortId: m[1]! })],
  [new RegExp(`^/app/cohorts/${CASE_ID}/edit$`), (m) => ({ name: 'cohortEdit', cohortId: m[1]! })],
  [new RegExp(`^/app/cohorts/${CASE_ID}/enrolment$`), (m) => ({ name: 'enrolment', cohortId: m[1]! })],
  [new RegExp(`^/app/cohorts/${CASE_ID}/review$`), (m) => ({ name: 'review', cohortId: m[1]! })],
  [new RegExp(`^/app/cohorts/${CASE_ID}/outcomes$`), (m) => ({ name: 'outcomes', cohortId: m[1]! })],
  [new RegExp(`^/app/cohorts/${CASE_ID}/claims/new$`), (m) => ({ name: 'claimNew', cohortId: m[1]! })],
  [/^\/app\/claims$/, () => ({ name: 'claims' })],
  [new RegExp(`^/app/claims/${CASE_ID}$`), (m) => ({ name: 'claim', claimId: m[1]! })],
  [new RegExp(`^/app/claims/${CASE_ID}/edit$`), (m) => ({ name: 'claimEdit', claimId: m[1]! })],
  [new RegExp(`^/app/claims/${CASE_ID}/verify$`), (m) => ({ name: 'claimVerify', claimId: m[1]! })],
  [new RegExp(`^/app/claims/${CASE_ID}/review$`), (m) => ({ name: 'claimReview', claimId: m[1]! })],
  [/^\/app\/payments$/, () => ({ name: 'payments' })],
  [/^\/app\/budget$/, () => ({ name: 'budget' })],
  [/^\/app\/policy$/, () => ({ name: 'policy' })],
  [/^\/app\/blacklist$/, () => ({ name: 'blacklist' })],
  [/^\/app\/employment$/, () => ({ name: 'employment' })],
  // The public notice page (issue 14): anyone, no sign-in.
  [/^\/app\/public\/notices\/(\d{6})$/, (m) => ({ name: 'publicNotices', districtCode: m[1]! })],
];

export function parseRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return build(match);
  }
  return { name: 'notFound' };
}
