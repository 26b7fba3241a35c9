import type { Role } from '../../shared/domain/principal.ts';

/**
 * The seeded demo register of the embedded runtime (architecture.md): the municipal bureau, two
 * district bureaus, three enterprises, two schools and their users. `GET /organisations` lists
 * the same data.
 */
export type { Role };

export interface DemoOrganisation {
  /** USCC for enterprises and schools, the 6-digit division code for bureaus. */
  orgId: string;
  kind: 'enterprise' | 'school' | 'bureau' | 'city';
  name: string;
  districtCode: string;
  /** Enterprises: basic bank account (stored encrypted, shown masked). */
  bankAccount?: string;
  bankName?: string;
  /** Bureaus: the office's public phone (the public notice page shows it). */
  contactPhone?: string;
  /** Schools: 技工院校 | 职业院校 | 职业培训机构 | 企业培训中心 */
  schoolType?: string;
}

export interface DemoUser {
  username: string;
  /** Stable subject, as Cognito's `sub`. */
  sub: string;
  role: Role;
  orgId: string;
  displayName: string;
}

export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  // The municipal bureau publishes the policy for every district and reads their cases (domain.md).
  { orgId: '110000', kind: 'city', name: '北京市人力资源和社会保障局', districtCode: '110000' },
  // The bureaus' office phones are demo numbers, shown on the public notice page.
  {
    orgId: '110108',
    kind: 'bureau',
    name: '北京市海淀区人力资源和社会保障局',
    districtCode: '110108',
    contactPhone: '010-12333108',
  },
  {
    orgId: '110105',
    kind: 'bureau',
    name: '北京市朝阳区人力资源和社会保障局',
    districtCode: '110105',
    contactPhone: '010-12333105',
  },
  {
    orgId: '91110108MA01AAAA0M',
    kind: 'enterprise',
    name: '北京智算未来科技有限公司',
    districtCode: '110108',
    bankName: '中国工商银行北京海淀支行',
    bankAccount: '0200004509200123456',
  },
  {
    orgId: '91110108MA01BBBB0B',
    kind: 'enterprise',
    name: '北京数安云网络技术有限公司',
    districtCode: '110108',
    bankName: '中国建设银行北京中关村支行',
    bankAccount: '11050161360000007890',
  },
  {
    orgId: '91110105MA01CCCC0M',
    kind: 'enterprise',
    name: '北京朝阳数联信息服务有限公司',
    districtCode: '110105',
    bankName: '中国银行北京朝阳支行',
    bankAccount: '340567891234',
  },
  {
    orgId: '52110108MJ0AA1000A',
    kind: 'school',
    name: '北京市海淀区数字技术技工学校',
    districtCode: '110108',
    schoolType: '技工院校',
  },
  {
    orgId: '52110105MJ0BB2000G',
    kind: 'school',
    name: '北京市朝阳区信息职业技能培训学校',
    districtCode: '110105',
    schoolType: '职业培训机构',
  },
];

const ENT_A = '91110108MA01AAAA0M';
const ENT_B = '91110108MA01BBBB0B';
const ENT_C = '91110105MA01CCCC0M';
const SCHOOL_A = '52110108MJ0AA1000A';
const SCHOOL_B = '52110105MJ0BB2000G';

export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'city-admin',
    sub: 'u-city-admin',
    role: 'city.admin',
    orgId: '110000',
    displayName: '刘政策',
  },
  {
    username: 'bureau-reviewer',
    sub: 'u-bureau-reviewer',
    role: 'bureau.reviewer',
    orgId: '110108',
    displayName: '赵审核',
  },
  {
    username: 'bureau-treasurer',
    sub: 'u-bureau-treasurer',
    role: 'bureau.treasurer',
    orgId: '110108',
    displayName: '钱出纳',
  },
  {
    username: 'bureau-admin',
    sub: 'u-bureau-admin',
    role: 'bureau.admin',
    orgId: '110108',
    displayName: '孙管理',
  },
  {
    username: 'bureau2-reviewer',
    sub: 'u-bureau2-reviewer',
    role: 'bureau.reviewer',
    orgId: '110105',
    displayName: '李审核',
  },
  {
    username: 'ent-a-clerk',
    sub: 'u-ent-a-clerk',
    role: 'enterprise.clerk',
    orgId: ENT_A,
    displayName: '周经办',
  },
  {
    username: 'ent-a-signatory',
    sub: 'u-ent-a-signatory',
    role: 'enterprise.signatory',
    orgId: ENT_A,
    displayName: '吴负责',
  },
  {
    username: 'ent-b-clerk',
    sub: 'u-ent-b-clerk',
    role: 'enterprise.clerk',
    orgId: ENT_B,
    displayName: '郑经办',
  },
  {
    username: 'ent-b-signatory',
    sub: 'u-ent-b-signatory',
    role: 'enterprise.signatory',
    orgId: ENT_B,
    displayName: '王负责',
  },
  {
    username: 'ent-c-clerk',
    sub: 'u-ent-c-clerk',
    role: 'enterprise.clerk',
    orgId: ENT_C,
    displayName: '冯经办',
  },
  {
    username: 'ent-c-signatory',
    sub: 'u-ent-c-signatory',
    role: 'enterprise.signatory',
    orgId: ENT_C,
    displayName: '陈负责',
  },
  {
    username: 'school-a-registrar',
    sub: 'u-school-a-registrar',
    role: 'school.registrar',
    orgId: SCHOOL_A,
    displayName: '褚教务',
  },
  {
    username: 'school-b-registrar',
    sub: 'u-school-b-registrar',
    role: 'school.registrar',
    orgId: SCHOOL_B,
    displayName: '卫教务',
  },
];

export function demoUser(username: string): DemoUser {
  const user = DEMO_USERS.find((candidate) => candidate.username === username);
  if (!user) {
    throw new Error(
      `Unknown demo user "${username}". Known: ${DEMO_USERS.map((u) => u.username).join(', ')}`,
    );
  }
  return user;
}
