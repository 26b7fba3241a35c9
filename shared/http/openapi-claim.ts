/**
 * The claim as `GET /claims/{claimId}` (and the claim routes that answer with it) shows it, for the
 * OpenAPI document: the amounts, the kind (with the training year of an interim claim), the evidence
 * with the fee paid, and the computation with every step of the settlement formula
 * (shared/domain/settlement.ts). Written out by hand: the responses have no zod schema to generate from.
 */
const fen = (description: string) => ({
  type: 'integer',
  minimum: 0,
  description: `${description} (integer fen)`,
});
const basisPoints = (description: string) => ({ type: 'integer', minimum: 0, maximum: 10_000, description });

const SETTLEMENT_RULES = {
  type: 'object',
  description: 'The settlement rules of the policy version the cohort was filed under (policy `settlement`).',
  properties: {
    completedRate: basisPoints(
      'Share earned by an apprentice completed but not certified, or certified below the target level',
    ),
    withdrawnMode: { type: 'string', enum: ['none', 'pro_rata'] },
    feeCapBasisPoints: {
      ...basisPoints('Cap on what is earned, as a share of the fee paid'),
      type: ['integer', 'null'],
    },
    advanceBasis: { type: 'string', enum: ['first_year', 'whole_period'] },
    advanceShareBasisPoints: basisPoints('Advance as a share of its basis'),
    interimClaims: { type: 'boolean' },
  },
};

const SETTLEMENT_STEPS = {
  type: 'object',
  description:
    'Every step of the settlement formula; each division rounds down to the fen. Claims prepared before the formula existed have none.',
  required: [
    'policyVersion',
    'kind',
    'apprentices',
    'earnedFen',
    'earnedAfterCapFen',
    'balanceFen',
    'amountFen',
    'recoveryFen',
  ],
  properties: {
    policyVersion: { type: 'string' },
    kind: { type: 'string', enum: ['advance', 'interim', 'final'] },
    trainingYear: { type: 'integer', enum: [1, 2] },
    rules: SETTLEMENT_RULES,
    monthsPlanned: { type: 'integer' },
    monthsCovered: {
      type: 'integer',
      description:
        'The first 12 × trainingYear months (interim), the first 12 (advance on the first year) or all',
    },
    standardFen: fen('Yearly standard per apprentice the cohort was filed with'),
    rounding: { type: 'string', enum: ['down_to_fen_each_step'] },
    apprentices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apprenticeId', 'outcome', 'months', 'standardFen', 'rateBasisPoints', 'earnedFen'],
        properties: {
          apprenticeId: { type: 'string' },
          outcome: {
            type: 'string',
            enum: ['certified', 'completed', 'below_target', 'withdrawn', 'in_training', 'excluded'],
          },
          months: { type: 'integer', minimum: 0 },
          standardFen: fen('Yearly standard'),
          rateBasisPoints: basisPoints('Rate applied'),
          earnedFen: fen(
            '⌊standard × months × rate ÷ 120000⌋ (for an advance: the apprentice’s part of the basis)',
          ),
        },
      },
    },
    earnedFen: fen('Σ per apprentice (for an advance: the basis)'),
    feeCap: {
      type: ['object', 'null'],
      properties: {
        feePaidFen: fen('Training fee paid, as the claim states'),
        capBasisPoints: basisPoints('The policy’s fee cap'),
        capFen: fen('⌊fee paid × cap ÷ 10000⌋'),
        applied: { type: 'boolean', description: 'The cap was lower than what was earned' },
      },
    },
    earnedAfterCapFen: fen('What the cohort’s claims may have paid in all up to this one'),
    advance: {
      type: 'object',
      properties: {
        basis: { type: 'string', enum: ['first_year', 'whole_period'] },
        headcount: { type: 'integer', description: 'Apprentices in training at the computation' },
        basisFen: fen('Σ ⌊standard × months ÷ 12⌋ over the apprentices in training'),
        shareBasisPoints: basisPoints('Advance share'),
        shareFen: fen('⌊basis × share ÷ 10000⌋'),
      },
    },
    paidBefore: {
      type: 'object',
      properties: {
        advanceFen: fen('Advance paid'),
        interimFen: fen('Interim claims paid'),
        totalFen: fen('Both'),
      },
    },
    balanceFen: {
      type: 'integer',
      description: 'earnedAfterCap − paid before (negative: a recovery, for a final claim), fen',
    },
    amountFen: fen('What this claim pays'),
    recoveryFen: fen('What the enterprise owes back (final claims)'),
  },
};

export const CLAIM_VIEW = {
  type: 'object',
  description: 'A subsidy claim with its computation, evidence and where it stands.',
  required: [
    'claimId',
    'cohortId',
    'kind',
    'status',
    'version',
    'amountFen',
    'computedAmountFen',
    'recoveryFen',
    'computation',
  ],
  properties: {
    claimId: { type: 'string' },
    cohortId: { type: 'string' },
    kind: { type: 'string', enum: ['advance', 'interim', 'final'] },
    trainingYear: {
      type: 'integer',
      enum: [1, 2],
      description: 'Interim claims: the training year claimed for',
    },
    status: { type: 'string' },
    version: { type: 'integer' },
    amountFen: fen('Claimed, or approved after review'),
    computedAmountFen: fen('What the rules allow at the last computation'),
    preparedAmountFen: fen('What the rules allowed when it was submitted'),
    commitment: { $ref: '#/components/schemas/AcceptedCommitment' },
    recoveryFen: fen('Owed back (final claims)'),
    recomputation: {
      type: 'object',
      description: 'The bureau’s approval recomputed the amount and it differs from the prepared one',
      properties: {
        preparedFen: fen('Prepared'),
        atApprovalFen: fen('At approval'),
        reason: { type: 'string' },
      },
    },
    evidence: {
      type: 'object',
      properties: {
        feeInvoiceNo: { type: 'string' },
        feeInvoiceAmountFen: fen('Training fee paid to the school so far'),
        attendance: { type: 'array', items: { type: 'object' } },
        documents: { type: 'array', items: { type: 'object' } },
      },
    },
    computation: {
      type: 'object',
      required: ['policyVersion', 'entitlementFen', 'apprentices'],
      properties: {
        policyVersion: { type: 'string', description: 'The policy version the cohort was filed under' },
        entitlementFen: fen('Advance: its basis; otherwise the cohort’s entitlement'),
        advanceShareBasisPoints: basisPoints('Advance share'),
        earnedFen: fen('Earned after the fee cap'),
        advancedFen: fen('Paid by earlier claims'),
        earners: { type: 'integer' },
        apprentices: { type: 'integer' },
        excluded: { type: 'array', items: { type: 'object' } },
        settlement: { $ref: '#/components/schemas/SettlementSteps' },
      },
    },
  },
};

const PREVIEW_AMOUNTS = {
  type: 'object',
  required: ['entitlementFen', 'advanceFen'],
  properties: {
    entitlementFen: fen(
      'What the final settlement would earn if every apprentice still in training certifies at the target level (no fee cap)',
    ),
    advanceFen: fen('The advance for the apprentices in training (no fee cap)'),
  },
};

/** `POST /policy/preview`: the open cohorts of the page, by district, now and under the draft. */
const POLICY_PREVIEW = {
  type: 'object',
  required: ['policyVersion', 'districts', 'nextCursor'],
  properties: {
    policyVersion: { type: 'string', description: 'The draft’s version (nothing is stored)' },
    districts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['districtCode', 'cohorts', 'totals'],
        properties: {
          districtCode: { type: 'string' },
          cohorts: {
            type: 'array',
            items: {
              type: 'object',
              required: [
                'cohortId',
                'enterpriseId',
                'status',
                'policyVersion',
                'apprentices',
                'now',
                'draft',
              ],
              properties: {
                cohortId: { type: 'string' },
                enterpriseId: { type: 'string' },
                status: { type: 'string', enum: ['FILED', 'COMPLETED'] },
                policyVersion: { type: 'string', description: 'The version the cohort was filed under' },
                apprentices: { type: 'integer', description: 'Apprentices filed and not withdrawn' },
                now: { $ref: '#/components/schemas/PolicyPreviewAmounts' },
                draft: { $ref: '#/components/schemas/PolicyPreviewAmounts' },
              },
            },
          },
          totals: {
            type: 'object',
            description: 'Sums over the cohorts of this page',
            required: ['now', 'draft'],
            properties: {
              now: { $ref: '#/components/schemas/PolicyPreviewAmounts' },
              draft: { $ref: '#/components/schemas/PolicyPreviewAmounts' },
            },
          },
        },
      },
    },
    nextCursor: { type: ['string', 'null'] },
  },
};

export const CLAIM_SCHEMAS = {
  ClaimView: CLAIM_VIEW,
  SettlementSteps: SETTLEMENT_STEPS,
  PolicyPreview: POLICY_PREVIEW,
  PolicyPreviewAmounts: PREVIEW_AMOUNTS,
};
