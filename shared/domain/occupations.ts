/**
 * The occupation catalogue (职业分类大典). Codes move between editions, so the catalogue is data an
 * administrator edits (`PUT /occupations`), not an enum: this file only seeds it.
 */

export interface Occupation {
  /** Catalogue code, e.g. `4-04-05-05`. */
  code: string;
  name: string;
  /**
   * Catalogue edition the code belongs to. The seed is all `'2022'`; typed as a string so a
   * later edition is a data change, not a code change.
   */
  edition: string;
  /** Marked S (数字职业) in the catalogue. */
  digital: boolean;
  /** On the shortage list, which earns the higher subsidy standard. */
  shortage: boolean;
}

/** `4-04-05-05`: major group, middle group, small group, occupation. */
export const OCCUPATION_CODE_PATTERN = /^\d-\d{2}-\d{2}-\d{2}$/;

const digital = (code: string, name: string, shortage = false): Occupation => ({
  code,
  name,
  edition: '2022',
  digital: true,
  shortage,
});

/**
 * The digital occupations domain.md names. Which of them are on the shortage list is a seed
 * guess an administrator corrects against the bureau's published list: here AI training and
 * engineering, cryptography and network/data security, the skills employers report hardest to
 * hire.
 */
export const SEED_OCCUPATIONS: readonly Occupation[] = Object.freeze(
  [
    digital('4-04-05-05', '人工智能训练师', true),
    digital('2-02-38-13', '密码工程技术人员', true),
    digital('4-04-04-06', '密码技术应用员', true),
    digital('4-04-04-02', '网络与信息安全管理员', true),
    digital('4-01-02-07', '互联网营销师'),
    digital('2-02-38-01', '人工智能工程技术人员', true),
    digital('2-02-38-02', '物联网工程技术人员'),
    digital('2-02-38-03', '大数据工程技术人员'),
    digital('2-02-38-04', '云计算工程技术人员'),
    digital('2-02-38-05', '智能制造工程技术人员'),
    digital('2-02-38-06', '工业互联网工程技术人员'),
    digital('2-02-38-07', '虚拟现实工程技术人员'),
    digital('2-02-38-08', '区块链工程技术人员'),
    digital('2-02-38-12', '数据安全工程技术人员', true),
    digital('4-04-05-01', '计算机程序设计员'),
    digital('4-04-05-02', '计算机软件测试员'),
    digital('4-04-05-06', '区块链应用操作员'),
    digital('4-07-02-05', '商务数据分析师'),
    digital('2-06-07-13', '数字化管理师'),
  ].map((occupation) => Object.freeze(occupation)),
);

export function findOccupation(catalogue: readonly Occupation[], code: string): Occupation | undefined {
  return catalogue.find((occupation) => occupation.code === code);
}
