import type { STATUTORY_MESSAGES } from '../../../shared/domain/error-codes/statutory.ts';

export const STATUTORY_WORDS_ZH = {
  'public_notice.not_found': '申领 {claimId} 不在公示期内',
  'objection.throttled': '同一地址每小时最多提出 {max} 条异议，请稍后再试',
  'objection.uphold_or_dismiss': '异议任务只能“异议成立”或“异议不成立”',
  'decision.objections_only': '“异议成立/不成立”只用于异议任务',
  'objection.open': '该申领仍有未处理的异议，请先处理异议',
  'objection.decided': '该异议已处理（{status}）',
} as const satisfies Record<keyof typeof STATUTORY_MESSAGES, string>;
