import { says } from '../../domain/error-codes.ts';
import { Conflict } from '../../domain/errors.ts';
import type { Occupation } from '../../domain/occupations.ts';
import type { Organisation } from '../../domain/organisation.ts';
import { type Policy, withSettlement } from '../../domain/policy.ts';
import type { Page, ReferenceData } from '../../domain/ports.ts';
import { cityPrefixOf, districtInCity } from '../../domain/principal.ts';
import { indexKeys, keys } from './keys.ts';
import { type Item, type Table, WriteConditionFailed } from './table.ts';

/** The register (kept by `bureau.admin`), the occupation catalogue and the policy records (published by `city.admin`); keys in keys.ts. */

export function organisationItem(organisation: Organisation & { bankAccountCipher?: string }): Item {
  return {
    ...keys.organisation(organisation.orgId),
    entityType: 'Organisation',
    ...organisation,
    version: 1,
    gsi2pk: indexKeys.organisations,
    gsi2sk: indexKeys.organisationSort(organisation.kind, organisation.orgId),
  };
}

export function occupationItem(occupation: Occupation): Item {
  return {
    ...keys.occupation(occupation.code),
    entityType: 'Occupation',
    ...occupation,
    version: 1,
    gsi3pk: indexKeys.occupations,
    gsi3sk: occupation.code,
  };
}

export function policyItem(policy: Policy): Item {
  return { ...keys.policy(policy), entityType: 'Policy', policy: withSettlement(policy), version: 1 };
}

export class DynamoReferenceData implements ReferenceData {
  constructor(private readonly table: Table) {}

  /** A new policy version; never overwrites one (the version names its effective date). */
  async addPolicy(policy: Policy, by: string): Promise<void> {
    try {
      await this.table.transact([
        { put: { ...policyItem(policy), createdBy: by }, condition: 'attribute_not_exists(pk)' },
      ]);
    } catch (error) {
      if (error instanceof WriteConditionFailed)
        throw new Conflict(says('policy.version_taken', { policyVersion: policy.policyVersion }));
      throw error;
    }
  }

  async organisation(orgId: string): Promise<Organisation | undefined> {
    const item = await this.table.get<Item>(keys.organisation(orgId));
    return item ? toOrganisation(item) : undefined;
  }

  async listOrganisations(options: {
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<Organisation>> {
    const page = await this.table.query<Item>({
      index: 'GSI2',
      pk: indexKeys.organisations,
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map(toOrganisation), nextCursor: page.nextCursor };
  }

  /** The district bureaus of a city: one Query of the register's partition, by the kind and code prefix. */
  async districtsOf(cityCode: string): Promise<string[]> {
    const prefix = cityPrefixOf(cityCode);
    if (!prefix) return [];
    const districts: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.table.query<Item>({
        index: 'GSI2',
        pk: indexKeys.organisations,
        skPrefix: indexKeys.organisationSort('bureau', prefix),
        limit: 100,
        cursor,
      });
      for (const item of page.items) {
        const orgId = String(item.orgId);
        if (districtInCity(cityCode, orgId)) districts.push(orgId);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return districts;
  }

  async occupation(code: string): Promise<Occupation | undefined> {
    const item = await this.table.get<Item>(keys.occupation(code));
    return item ? toOccupation(item) : undefined;
  }

  async listOccupations(options: { limit: number; cursor?: string | undefined }): Promise<Page<Occupation>> {
    const page = await this.table.query<Item>({
      index: 'GSI3',
      pk: indexKeys.occupations,
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map(toOccupation), nextCursor: page.nextCursor };
  }

  async policy(version: string): Promise<Policy | undefined> {
    const match = /^(\d{4}-\d{2}-\d{2})\.(\d+)$/.exec(version);
    if (!match) return undefined;
    const item = await this.table.get<{ policy: Policy }>(
      keys.policy({ effectiveFrom: match[1]!, policyVersion: version }),
    );
    return item ? withSettlement(item.policy) : undefined;
  }

  async policyInForce(date: string): Promise<Policy> {
    const page = await this.table.query<{ policy: Policy }>({
      ...keys.policiesUpTo(date),
      newestFirst: true,
      limit: 1,
    });
    const found = page.items[0];
    if (!found) throw new Error(`No policy in force on ${date}`);
    return withSettlement(found.policy);
  }
}

function toOrganisation(item: Item): Organisation {
  const { orgId, kind, name, districtCode, schoolType, bankName, bankAccountMasked, contactPhone } =
    item as unknown as Organisation;
  return {
    orgId,
    kind,
    name,
    districtCode,
    schoolType,
    bankName,
    bankAccountMasked,
    ...(contactPhone ? { contactPhone } : {}),
  };
}

function toOccupation(item: Item): Occupation {
  const { code, name, edition, digital, shortage } = item as unknown as Occupation;
  return { code, name, edition, digital, shortage };
}
