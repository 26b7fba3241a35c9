/** Who is calling: one user, one organisation, one role (domain.md, "Parties, roles"). */
export const ROLES = [
  'enterprise.clerk',
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
  'city.admin',
] as const;

export type Role = (typeof ROLES)[number];
/** `city` is the municipal bureau (市人社局): it publishes the policy and reads its districts' cases. */
export type OrgKind = 'enterprise' | 'school' | 'bureau' | 'city';

/**
 * The one role that publishes policy versions (standards, settlement rules, limits) for every
 * district: the municipal bureau's administrator (domain.md, "Parties"). Every policy-publishing
 * route names this list, so a district's administrator reads the policy and never changes it.
 */
export const POLICY_PUBLISHERS: readonly Role[] = ['city.admin'];

/** Every role but the municipal bureau's: the routes that decide cases or read evidence and identities. */
export const CASE_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'city.admin');

export interface Principal {
  sub: string;
  username: string;
  role: Role;
  /** USCC of an enterprise or school, or the 6-digit division code of a bureau (district or city). */
  orgId: string;
}

export function orgKindOf(role: Role): OrgKind {
  return role.split('.')[0] as OrgKind;
}

/**
 * Whether a district lies in a city, by their division codes (GB/T 2260): a municipality's code
 * ends in 0000 and covers every district of its first two digits (110000 → 110108), a prefecture
 * city's ends in 00 and covers those of its first four (330100 → 330106). The city is not its own
 * district.
 */
export function districtInCity(cityCode: string, districtCode: string): boolean {
  const prefix = cityPrefixOf(cityCode);
  return prefix !== '' && districtCode !== cityCode && districtCode.startsWith(prefix);
}

/** The leading digits a city's districts share (110000 → 11, 330100 → 3301). */
export function cityPrefixOf(cityCode: string): string {
  return /^\d{6}$/.test(cityCode) ? cityCode.replace(/(00)+$/, '') : '';
}

/** The audit "who": user, role and organisation. */
export function actorOf(principal: Principal) {
  return { sub: principal.sub, username: principal.username, role: principal.role, orgId: principal.orgId };
}
