/** Who is calling: one user, one organisation, one role (domain.md, "Parties, roles"). */
export const ROLES = [
  'enterprise.clerk',
  'enterprise.signatory',
  'school.registrar',
  'bureau.reviewer',
  'bureau.treasurer',
  'bureau.admin',
] as const;

export type Role = (typeof ROLES)[number];
export type OrgKind = 'enterprise' | 'school' | 'bureau';

export interface Principal {
  sub: string;
  username: string;
  role: Role;
  /** USCC of an enterprise or school, or the 6-digit division code of a bureau. */
  orgId: string;
}

export function orgKindOf(role: Role): OrgKind {
  return role.split('.')[0] as OrgKind;
}

/** The audit "who": user, role and organisation. */
export function actorOf(principal: Principal) {
  return { sub: principal.sub, username: principal.username, role: principal.role, orgId: principal.orgId };
}
