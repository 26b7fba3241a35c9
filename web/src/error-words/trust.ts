import type { TRUST_MESSAGES } from '../../../shared/domain/error-codes/trust.ts';

export const TRUST_WORDS_ZH = {
  'commitment.not_accepted': '提交前，签署人须阅读并接受承诺书（{version}）',
  'credit_blacklist.listed':
    '企业 {enterpriseId} 自 {from} 至 {to} 列入 {districtCode} 失信名单，列入期间不能提交学徒班备案或补贴申领',
  'credit_blacklist.own_district_only':
    '只有企业所在区（{districtCode}）人社局的管理员可以管理其失信名单记录',
  'credit_listing.not_found': '企业 {enterpriseId} 不在失信名单中',
  'credit_blacklist.changed_meanwhile': '失信名单已被他人修改，请刷新后重试',
  'credit_blacklist.to_before_from': '结束日期不能早于开始日期',
  'credit_blacklist.reason_required': '请填写列入原因',
} as const satisfies Record<keyof typeof TRUST_MESSAGES, string>;
