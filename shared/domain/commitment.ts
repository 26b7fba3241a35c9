import { COMMITMENT_VERSION } from './commitment-version.ts';

/**
 * The enterprise's commitment (承诺书, domain.md "Employment verification"): before a claim is
 * submitted the signatory accepts it, and the claim keeps the version accepted, when and by whom.
 * The Chinese text is the one that binds; `en` is a courtesy translation for the English console.
 * A new wording is a new version: claims keep the version they were submitted under.
 */
export interface CommitmentText {
  version: string;
  effectiveFrom: string;
  title: string;
  paragraphs: readonly string[];
  en: { title: string; paragraphs: readonly string[] };
}

export const CURRENT_COMMITMENT: CommitmentText = {
  version: COMMITMENT_VERSION,
  effectiveFrom: '2026-12-01',
  title: '企业新型学徒制培训补贴申领承诺书',
  paragraphs: [
    '本企业郑重承诺：',
    '一、本次申领所填报的学徒、培训、学时、考核结果、培训费用等信息及所附材料真实、准确、完整，不存在虚报、冒领、重复申领等情形。',
    '二、如经查实存在不实申报或不符合条件领取补贴的情形，本企业将全额退回违规领取的资金，并依法承担相应责任。',
    '三、本企业同意人力资源社会保障部门对申领事项进行核查，包括核查学徒的社会保险参保缴费情况。',
  ],
  en: {
    title: 'Commitment of the enterprise claiming the apprenticeship training subsidy',
    paragraphs: [
      'The enterprise solemnly commits:',
      '1. The apprentices, training, hours, assessment results, training fees and the documents attached to this claim are true, accurate and complete; nothing is overstated, claimed falsely or claimed twice.',
      '2. Where a statement proves untrue or money was received without meeting the conditions, the enterprise refunds all of it and answers for it under the law.',
      '3. The enterprise consents to the human resources and social security bureau checking the claim, including the social insurance of its apprentices.',
    ],
  },
};

/** What a claim keeps of the commitment its signatory accepted. */
export interface AcceptedCommitment {
  version: string;
  acceptedAt: string;
  acceptedBy: { sub: string; username: string };
}
