import type { TRUST_MESSAGES } from '../../../shared/domain/error-codes/trust.ts';

export const TRUST_WORDS_ZH = {
  'commitment.not_accepted': '提交前，签署人须阅读并接受承诺书（{version}）',
} as const satisfies Record<keyof typeof TRUST_MESSAGES, string>;
