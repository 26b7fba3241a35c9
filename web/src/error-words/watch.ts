import type { WATCH_MESSAGES } from '../../../shared/domain/error-codes/watch.ts';

export const WATCH_WORDS_ZH: Record<keyof typeof WATCH_MESSAGES, string> = {
  'field.not_number': '应为数字',
  'demand.period_invalid': '期间应为季度（2027-Q1）或月份（2027-03）',
  'demand.occupation_unknown': '职业 {code} 不在职业目录中',
  'demand.duplicate_occupation': '该职业重复列出',
  'demand.value_missing': '请填写求人倍率或排名',
  'demand.ratio_invalid': '求人倍率应为大于 0、不超过 100 的数，最多两位小数',
  'demand.rank_invalid': '排名应为 1 至 10000 的整数',
  'demand.changed_meanwhile': '保存期间需求目录已有变动，请重新提交',
};
