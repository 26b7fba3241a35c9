/** The enterprise's commitment (承诺书) and the district's credit blacklist (失信名单). */
export const TRUST_MESSAGES = {
  // Submitting a claim (claim-preparation.ts).
  'commitment.not_accepted':
    'the signatory accepts the commitment ({version}) before submitting: send {"commitment": {"accepted": true}}',
} as const satisfies Record<string, string>;
