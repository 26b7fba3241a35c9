import { describe, expect, it } from 'vitest';
import { clock } from '../../shared/adapters/clock.ts';
import { DynamoClaimStore } from '../../shared/adapters/dynamodb/claim-store.ts';
import { Table } from '../../shared/adapters/dynamodb/table.ts';
import { GENESIS_HASH } from '../../shared/domain/audit.ts';
import type { ClaimRecord } from '../../shared/domain/claim.ts';
import { type SubsidyMark, SubsidyMarksContested } from '../../shared/domain/claim-ports.ts';
import { createTestTable } from '../support/table.ts';

/**
 * The decisive check against a double subsidy is a condition on the persons' marks inside the
 * payment's own transaction (claim-store.ts). Two settlements of different cohorts paying the same
 * person, released at the same moment on DynamoDB Local: exactly one commits, the other is
 * refused with SubsidyMarksContested and writes nothing — also when the persons do not fit one
 * transaction and their marks are held in transactions of their own first.
 */
function claim(cohortId: string, claimId: string): ClaimRecord {
  return {
    claimId,
    cohortId,
    kind: 'final',
    status: 'PAID',
    version: 1,
    enterpriseId: '91110108MA01AAAA0M',
    schoolId: '52110108MJ0AA1000A',
    districtCode: '110108',
    occupationCode: '4-04-05-05',
    targetLevel: 4,
    computedAmountFen: 500_000,
    amountFen: 500_000,
    recoveryFen: 0,
    computation: { policyVersion: 'p1', entitlementFen: 500_000, apprentices: 1 },
    evidence: { feeInvoiceNo: 'FP-1', attendance: [], documents: [] },
    preparedBy: 'u-clerk',
    round: 1,
    createdAt: '2028-03-01T00:00:00.000Z',
    updatedAt: '2028-03-01T00:00:00.000Z',
    auditSeq: 0,
    auditHead: GENESIS_HASH,
  };
}

const marks = (persons: string[], cohortId: string, claimId: string, level = 4): SubsidyMark[] =>
  persons.map((idHash) => ({ idHash, occupationCode: '4-04-05-05', level, claimId, cohortId }));

describe('subsidy marks decide a double payment inside the transaction', () => {
  for (const size of [1, 150]) {
    it(`lets exactly one of two concurrent settlements paying the same ${size} person(s) commit`, async () => {
      const { client, tableName } = await createTestTable('marks');
      const store = new DynamoClaimStore(new Table(client, tableName), clock);
      for (let round = 0; round < 5; round++) {
        const persons = Array.from({ length: size }, (_, index) => `h-${round}-${index}`);
        const outcomes = await Promise.allSettled(
          ['A', 'B'].map((cohort) =>
            store.save({
              claim: claim(`cohort-${cohort}-${round}`, `claim-${cohort}-${round}`),
              expectedVersion: null,
              audit: { action: 'payment.released', actor: { system: 'test' } },
              marks: marks(persons, `cohort-${cohort}-${round}`, `claim-${cohort}-${round}`),
            }),
          ),
        );
        const committed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect(committed).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(SubsidyMarksContested);
        // The refused payment wrote no claim; every mark names the one that committed.
        const winner = (await store.get(`claim-A-${round}`)) ? 'A' : 'B';
        expect(await store.get(`claim-${winner === 'A' ? 'B' : 'A'}-${round}`)).toBeUndefined();
        const held = await store.subsidyMarks(persons, '4-04-05-05');
        expect(held).toHaveLength(size);
        expect(new Set(held.map((mark) => mark.cohortId))).toEqual(new Set([`cohort-${winner}-${round}`]));
      }
      client.destroy();
    });
  }

  it('lets a higher level replace a lower one, and never the other way round', async () => {
    const { client, tableName } = await createTestTable('marks');
    const store = new DynamoClaimStore(new Table(client, tableName), clock);
    const save = (cohort: string, level: number) =>
      store.save({
        claim: { ...claim(cohort, `claim-${cohort}`), targetLevel: level },
        expectedVersion: null,
        audit: { action: 'payment.released', actor: { system: 'test' } },
        marks: marks(['h-level'], cohort, `claim-${cohort}`, level),
      });
    await save('four', 4);
    await save('three', 3); // 高级工 after 中级工: allowed
    await expect(save('four-again', 4)).rejects.toBeInstanceOf(SubsidyMarksContested);
    await expect(save('three-again', 3)).rejects.toBeInstanceOf(SubsidyMarksContested);
    expect((await store.subsidyMarks(['h-level'], '4-04-05-05'))[0]).toMatchObject({
      cohortId: 'three',
      level: 3,
    });
    client.destroy();
  });
});
