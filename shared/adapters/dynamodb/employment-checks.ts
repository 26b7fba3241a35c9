import type { CheckRun, OverrideRecord } from '../../domain/employment.ts';
import type {
  EmploymentChecks,
  EmploymentGuard,
  MonthInForce,
  RegisterState,
} from '../../domain/employment-ports.ts';
import { keys } from './keys.ts';
import { stripKeys } from './rows.ts';
import type { Item, Table, Write } from './table.ts';

/**
 * The reads of an employment check and what a decision's transaction adds for it; apart from the
 * register's own store, so decide-task bundles only this.
 */
export class DynamoEmploymentChecks implements EmploymentChecks {
  constructor(protected readonly table: Table) {}

  async register(districtCode: string, enterpriseId: string): Promise<RegisterState> {
    const [head, pointer] = await Promise.all([
      this.table.get<Item>(keys.employmentHead(districtCode)),
      this.table.get<{ version: number; months: Record<string, MonthInForce> }>(
        keys.employmentPointer(districtCode, enterpriseId),
      ),
    ]);
    return {
      active: head !== undefined,
      pointer: pointer ? { version: pointer.version, months: pointer.months } : undefined,
    };
  }

  async insuredMonths(
    districtCode: string,
    enterpriseId: string,
    inForce: Record<string, MonthInForce>,
    months: readonly string[],
  ): Promise<Map<string, Map<string, boolean>>> {
    const wanted = months.flatMap((month) => {
      const named = inForce[month];
      return named
        ? Array.from({ length: named.chunks }, (_, index) =>
            keys.contributionChunk({ districtCode, enterpriseId, month, importId: named.importId, index }),
          )
        : [];
    });
    const people = new Map<string, Map<string, boolean>>();
    for (const chunk of await this.table.batchGet<{ month: string; insured: Record<string, boolean> }>(
      wanted,
    )) {
      for (const [idHash, insured] of Object.entries(chunk.insured)) {
        const of = people.get(idHash) ?? new Map<string, boolean>();
        of.set(chunk.month, insured);
        people.set(idHash, of);
      }
    }
    return people;
  }

  async overridesOf(districtCode: string, caseId: string): Promise<OverrideRecord[]> {
    const found: OverrideRecord[] = [];
    let cursor: string | undefined;
    // A district's overrides are few (each one a reviewer's written exception): read them all.
    do {
      const page = await this.table.query<Item>({
        ...keys.overrides(districtCode),
        limit: 100,
        cursor,
        filter: { expression: 'caseId = :c', values: { ':c': caseId } },
      });
      found.push(...page.items.map((item) => stripKeys<OverrideRecord>(item)));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return found;
  }

  async recordRun(run: CheckRun): Promise<void> {
    await this.table.transact([runWrite(run)]);
  }
}

function runWrite(run: CheckRun): Write {
  return {
    put: { ...keys.employmentCheck(run.cohortId, run.at, run.runId), entityType: 'EmploymentCheck', ...run },
    condition: 'attribute_not_exists(pk)',
  };
}

/**
 * The writes a decision that passed its check carries: the register as read (the district still
 * without imports; or the enterprise's pointer at the version read, so no import switched its
 * months since), each override relied on still ACTIVE and unexpired today, and the run's record.
 */
export function employmentWrites(guard: EmploymentGuard): Write[] {
  const pointer = keys.employmentPointer(guard.districtCode, guard.enterpriseId);
  const writes: Write[] = [
    !guard.state.active
      ? { check: keys.employmentHead(guard.districtCode), condition: 'attribute_not_exists(pk)' }
      : guard.state.pointer
        ? { check: pointer, condition: 'version = :v', values: { ':v': guard.state.pointer.version } }
        : { check: pointer, condition: 'attribute_not_exists(pk)' },
  ];
  for (const overrideId of guard.overrideIds) {
    writes.push({
      check: keys.override(guard.districtCode, overrideId),
      condition: '#s = :a AND expiresOn >= :t',
      names: { '#s': 'status' },
      values: { ':a': 'ACTIVE', ':t': guard.today },
    });
  }
  if (guard.run) writes.push(runWrite(guard.run));
  return writes;
}
