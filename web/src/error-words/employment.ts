import type { EMPLOYMENT_MESSAGES } from '../../../shared/domain/error-codes/employment.ts';

export const EMPLOYMENT_WORDS_ZH = {
  'month.shape': '月份应为 YYYY-MM 格式',
  'employment.columns_missing': '表头缺少列：{columns}',
  'employment.other_district': '不是本局所在区（{districtCode}）',
  'employment.row_repeated': '与第 {row+1} 行重复（同一人、同一企业、同一月份）',
  'employment.import_raced': '本区另一份缴费记录同时导入，请重试',
  'employment.check_failed': '{count} 名学徒社保核验未通过，详见各行',
  'employment.not_insured': '{months} 未由企业 {enterpriseId} 参保缴费',
  'employment.insured_before': '{months} 已由企业 {enterpriseId} 参保，不属于新招用',
  'override.not_found': '未找到核验例外 {overrideId}',
  'override_case.not_found': '本区没有学徒班或申领 {caseId}',
  'override.apprentice_not_in_case': '不是 {caseId} 的学徒',
  'override.expires_in_past': '失效日期不能早于今天（{today}）',
  'override.writer_confirms': '核验例外须由填写人以外的另一名人社局用户确认',
  'override.not_pending': '核验例外 {overrideId} 当前为 {status}，不是待确认',
  'override.changed_meanwhile': '核验例外已被他人修改，请刷新后重试',
} as const satisfies Record<keyof typeof EMPLOYMENT_MESSAGES, string>;
