import { createHash } from 'node:crypto';
import { FieldEncryption, LocalKeyFile } from '../../shared/adapters/crypto/personal-data.ts';
import { keys } from '../../shared/adapters/dynamodb/keys.ts';
import {
  occupationItem,
  organisationItem,
  policyItem,
} from '../../shared/adapters/dynamodb/reference-data.ts';
import { type Item, type Table, WriteConditionFailed } from '../../shared/adapters/dynamodb/table.ts';
import { maskBankAccount } from '../../shared/domain/identifiers.ts';
import { SEED_OCCUPATIONS } from '../../shared/domain/occupations.ts';
import { DEFAULT_POLICY } from '../../shared/domain/policy.ts';
import { DEMO_ORGANISATIONS } from './demo-register.ts';

/** Each bureau's yearly budget in the demo register: ¥10,000,000 for 2026–2030 (architecture.md). */
export const DEMO_BUDGET_FEN = 10_000_000_00;
export const DEMO_BUDGET_YEARS = [2026, 2027, 2028, 2029, 2030];

/**
 * Seeds the embedded runtime's register, catalogue, default policy and budgets. Every item is put
 * only if absent, so a restart never overwrites what an administrator changed.
 */
export async function seedDemoData(table: Table, keyFile: string): Promise<{ written: number }> {
  const pii = new FieldEncryption(new LocalKeyFile(keyFile));
  const items: Item[] = [];
  for (const organisation of DEMO_ORGANISATIONS) {
    const { bankAccount, ...rest } = organisation;
    let bank: Record<string, string> = {};
    if (bankAccount) {
      // The account is encrypted under a data key of its own; only its mask is ever shown.
      const { key, wrapped } = await pii.newDataKey();
      bank = {
        bankAccountCipher: pii.encrypt(key, bankAccount),
        bankAccountKey: wrapped,
        bankAccountMasked: maskBankAccount(bankAccount),
      };
    }
    items.push(organisationItem({ ...rest, ...bank }));
  }
  for (const occupation of SEED_OCCUPATIONS) items.push(occupationItem(occupation));
  items.push(policyItem(DEFAULT_POLICY));
  for (const organisation of DEMO_ORGANISATIONS.filter((org) => org.kind === 'bureau')) {
    for (const year of DEMO_BUDGET_YEARS) {
      items.push({
        ...keys.budget(organisation.orgId, year),
        entityType: 'Budget',
        districtCode: organisation.orgId,
        year,
        budgetFen: DEMO_BUDGET_FEN,
        reservedFen: 0,
        paidFen: 0,
        availableFen: DEMO_BUDGET_FEN,
        version: 1,
      });
    }
  }
  let written = 0;
  for (const item of items) {
    try {
      await table.transact([{ put: item, condition: 'attribute_not_exists(pk)' }]);
      written++;
    } catch (error) {
      if (!(error instanceof WriteConditionFailed)) throw error;
    }
  }
  return { written };
}

/** A short, stable fingerprint of the seed (shown by /health so a stale .data is easy to spot). */
export function seedFingerprint(): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        DEMO_ORGANISATIONS.map((org) => org.orgId),
        SEED_OCCUPATIONS.length,
        DEFAULT_POLICY.policyVersion,
      ]),
    )
    .digest('hex')
    .slice(0, 12);
}
