import type { STATUTORY_MESSAGES } from '../../../shared/domain/error-codes/statutory.ts';

export const STATUTORY_WORDS_ZH = {
  'public_notice.not_found': '申领 {claimId} 不在公示期内',
  'objection.throttled': '同一地址每小时最多提出 {max} 条异议，请稍后再试',
  'objection.uphold_or_dismiss': '异议任务只能“异议成立”或“异议不成立”',
  'objection.open': '该申领仍有未处理的异议，请先处理异议',
  'objection.decided': '该异议已处理（{status}）',
  'corrections.unknown_path': '本案件没有这个字段',
  'corrections.new_items_reason': '第一次告知未列出 {item}，请在退回理由中写明',
  'corrections.return_only': '只有退回时才填写',
  'corrections.path_or_document': '请指明字段或材料类型',
} as const satisfies Record<keyof typeof STATUTORY_MESSAGES, string>;
