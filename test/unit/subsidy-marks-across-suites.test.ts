import { describe, expect, it } from 'vitest';
import type { SubsidyMark } from '../../shared/domain/claim-ports.ts';
import type { ApprenticeRecord, CohortRecord } from '../../shared/domain/cohort.ts';
import { marksElsewhere } from '../../shared/domain/use-cases/claim-computation.ts';

/**
 * A person's subsidy marks are looked for under every look-up hash the person is known by
 * (claim-computation.ts): a mark written under one crypto suite excludes the person from a cohort
 * whose rows were hashed under the other — also a mark of before look-ups were kept under every
 * suite (its own suite's hash alone), and for a row of then (`idHash` alone).
 */
const apprentice = (apprenticeId: string, idHash: string, idHashes?: string[]) =>
  ({ apprenticeId, idHash, ...(idHashes ? { idHashes } : {}), status: 'certified' }) as ApprenticeRecord;

const cohort = (apprentices: ApprenticeRecord[]) =>
  ({ cohortId: 'c-new', occupationCode: '4-04-05-05', targetLevel: 4, apprentices }) as CohortRecord;

const mark = (idHash: string, level = 4): SubsidyMark => ({
  idHash,
  occupationCode: '4-04-05-05',
  level,
  claimId: 'claim-old',
  cohortId: 'c-old',
});

/** A store holding these marks, recording which hashes it was asked for. */
function claims(stored: SubsidyMark[]) {
  const asked: string[][] = [];
  return {
    asked,
    deps: {
      claims: {
        subsidyMarks: async (idHashes: string[]) => {
          asked.push(idHashes);
          return stored.filter((found) => idHashes.includes(found.idHash));
        },
      },
    },
  };
}

describe('subsidy marks across crypto suites', () => {
  it('asks under every hash of each person and finds a mark written under the other suite alone', async () => {
    const { deps, asked } = claims([mark('sha-P')]);
    const found = await marksElsewhere(
      deps,
      cohort([
        apprentice('a-P', 'sm3:P', ['sm3:P', 'sha-P']),
        apprentice('a-Q', 'sm3:Q', ['sm3:Q', 'sha-Q']),
      ]),
    );
    expect(asked).toEqual([['sm3:P', 'sha-P', 'sm3:Q', 'sha-Q']]);
    expect([...found.keys()]).toEqual(['a-P']);
    expect(found.get('a-P')).toMatchObject({ cohortId: 'c-old', level: 4 });
  });

  it('finds a mark under the one hash of a row written before both were kept', async () => {
    const { deps } = claims([mark('sm3:P')]);
    const found = await marksElsewhere(deps, cohort([apprentice('a-P', 'sm3:P')]));
    expect([...found.keys()]).toEqual(['a-P']);
  });

  it('still ignores a mark of a lower level and the cohort’s own marks', async () => {
    const { deps } = claims([mark('sha-P', 5), { ...mark('sm3:Q'), cohortId: 'c-new' }]);
    const found = await marksElsewhere(
      deps,
      cohort([
        apprentice('a-P', 'sm3:P', ['sm3:P', 'sha-P']),
        apprentice('a-Q', 'sm3:Q', ['sm3:Q', 'sha-Q']),
      ]),
    );
    expect(found.size).toBe(0);
  });
});
