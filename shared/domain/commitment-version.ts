/**
 * The version of the commitment (承诺书) in force: what a submitted claim keeps. Its text is in
 * `commitment.ts`, which only the function serving it bundles (the Chinese text weighs in every
 * bundle that submits or decides a claim otherwise).
 */
export const COMMITMENT_VERSION = 'commitment-2026-12.1';
