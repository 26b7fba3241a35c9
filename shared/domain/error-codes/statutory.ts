/**
 * The bureau's statutory process (issue 14): the public notice anyone reads and objects to, the
 * objection tasks, handling limits and one-time correction notices. Short on purpose: every
 * bundle carries the whole catalogue.
 */
export const STATUTORY_MESSAGES = {
  'public_notice.not_found': 'Claim {claimId} is not on public notice',
  'objection.throttled': 'At most {max} objections an hour from one address',
  'objection.uphold_or_dismiss': 'uphold or dismiss an objection',
  'decision.objections_only': 'for objection tasks only',
  'objection.open': 'An objection to this claim is open: decide it first',
  'objection.decided': 'The objection is {status} already',
} as const satisfies Record<string, string>;
