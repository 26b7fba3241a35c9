import { DEMO_ORGANISATIONS } from '../../infra/local/demo-register.ts';
import {
  checkResidentId,
  maskBankAccount,
  maskIdNumber,
  maskPhone,
} from '../../shared/domain/identifiers.ts';

/**
 * Finds what domain.md says logs must never hold: a full resident ID number, a mobile number, a
 * bank account or a token. Generic patterns (an ID number with a valid check character and birth
 * date, a mainland mobile number, a JWT) plus the exact values a test knows it sent. The patterns
 * look for digit boundaries, not word boundaries, so a number glued to letters (`id110105…`) is
 * found too. A finding is reported masked, so the report itself leaks nothing.
 */
export interface PersonalDataFinding {
  kind: 'id-number' | 'phone' | 'bank-account' | 'token' | 'known-value';
  masked: string;
}

const ID_CANDIDATE = /(?<!\d)\d{17}[\dXx](?!\d)/g;
const PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/g;

/** Every bank account of the seeded register (they are stored encrypted and shown masked). */
export const DEMO_BANK_ACCOUNTS: readonly string[] = DEMO_ORGANISATIONS.flatMap((org) =>
  org.bankAccount ? [org.bankAccount] : [],
);

export function findPersonalData(text: string, known: Iterable<string> = []): PersonalDataFinding[] {
  const findings: PersonalDataFinding[] = [];
  for (const [candidate] of text.matchAll(ID_CANDIDATE)) {
    if (checkResidentId(candidate.toUpperCase()).ok)
      findings.push({ kind: 'id-number', masked: maskIdNumber(candidate) });
  }
  for (const [candidate] of text.matchAll(PHONE))
    findings.push({ kind: 'phone', masked: maskPhone(candidate) });
  for (const [candidate] of text.matchAll(JWT))
    findings.push({ kind: 'token', masked: `${candidate.slice(0, 12)}…(${candidate.length} chars)` });
  for (const account of DEMO_BANK_ACCOUNTS) {
    if (text.includes(account)) findings.push({ kind: 'bank-account', masked: maskBankAccount(account) });
  }
  for (const value of known) {
    if (value.length >= 8 && text.includes(value))
      findings.push({ kind: 'known-value', masked: `${'*'.repeat(value.length - 4)}${value.slice(-4)}` });
  }
  return findings;
}
