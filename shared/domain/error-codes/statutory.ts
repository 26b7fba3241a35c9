/**
 * The bureau's statutory process (issue 14): the public notice anyone reads and objects to, the
 * objection tasks, handling limits and one-time correction notices. Short on purpose: every
 * bundle carries the whole catalogue.
 */
export const STATUTORY_MESSAGES = {
  'public_notice.not_found': '{claimId}: not on public notice',
  'objection.throttled': 'at most {max} an hour',
  'objection.uphold_or_dismiss': 'uphold or dismiss',
  'objection.open': 'objection open',
  'objection.decided': '{status} already',
  'corrections.unknown_path': 'no such field',
  'corrections.new_items_reason': 'name {item}: not in the first list',
  'corrections.return_only': 'return only',
  'corrections.path_or_document': 'path or documentKind',
} as const satisfies Record<string, string>;
