/** Training-fund claims: preparation, verification, approval and budget, payment, public notice. */
export const CLAIM_MESSAGES = {
  'claim.not_found': 'No claim {claimId}',
  // What a cohort may claim now (claim-computation.ts).
  'claim.cohort_not_filed': 'Claims are made on a FILED cohort; this one is {status}',
  'claim.advance_already_claimed': 'An advance was already claimed for this cohort',
  'claim.advance_after_final': 'The final settlement is already claimed; no advance now',
  'claim.final_before_training_ends': 'The final settlement is claimed after the training ends ({endDate})',
  'claim.outcomes_missing': '{count} apprentice(s) have no outcome yet; record every outcome first',
  'claim.final_already_claimed': 'The final settlement was already claimed for this cohort',
  'claim.advance_in_progress':
    'The advance is still being processed; claim the final settlement once it is paid or closed',
  'claim.advance_after_interim': 'An interim claim was already made; no advance now',
  'claim.interim_not_allowed':
    'Policy {policyVersion}, under which the cohort was filed, allows no interim claims',
  'claim.interim_year_not_before_end':
    'Training year {trainingYear} ends with the cohort ({months} months): claim the final settlement instead',
  'claim.interim_before_year_ends': 'Training year {trainingYear} ends on {endDate}; claim it after that day',
  'claim.interim_already_claimed': 'An interim claim for training year {trainingYear} was already made',
  'claim.interim_after_final': 'The final settlement is already claimed; no interim claim now',
  'claim.earlier_claim_in_progress':
    'An earlier claim of this cohort is still being processed; claim once it is paid or closed',
  'claim.fee_amount_required':
    'policy {policyVersion} caps the subsidy by the training fee paid: state it (integer fen)',
  // Preparing, correcting and submitting (claim-preparation.ts).
  'claim.cohort_unknown': 'no cohort of your enterprise with this id',
  'claim.training_videos_too_few':
    'a final claim references at least {min} distinct training videos ({given} given)',
  'claim.not_editable': 'A {status} claim cannot be edited',
  'claim.version_mismatch': 'The claim is at version {version}, not {sent}',
  'claim.not_submittable': 'Only a PREPARED or RETURNED claim can be submitted; it is {status}',
  // The review stages (claim-review.ts, claim-decisions.ts).
  'claim.enrolment_not_here': 'enrolment belongs to cohort filing, not to claims',
  'attendance.required': 'the school confirms the hours attended of each apprentice',
  'attendance.apprentice_repeated': 'this apprentice is listed twice',
  'attendance.hours_missing': 'apprentice {position} ({apprenticeId}) has no hours attended',
  'claim.outcomes_unverified': 'the school verifies every assessment result of a final claim',
  'claim.amount_set_by_reviewer': 'is set by the bureau reviewer',
  'claim.amount_over_computed': 'may not exceed the computed {capFen} fen',
  'claim.reduction_reason_required': 'a lower amount needs a reason',
  'budget.insufficient':
    'Not approved: the {year} budget of {districtCode} does not fit {needed} ({left} left). The claim stays at review.',
  'payment.approve_only': 'the treasurer releases an approved payment (approve)',
  'notice.not_decided': 'A public notice is not decided: it runs its days; lodge an objection to stop it',
  'objection.reviewer_only': 'Objections are lodged by the bureau reviewer',
  'objection.not_on_notice': 'Objections are lodged while the claim is on public notice',
  // Four eyes on a claim: the one who prepared, submitted or approved it does not take the next step.
  'four_eyes.preparer_submits': 'The person who prepared a claim cannot also submit it',
  'four_eyes.submitter_approves': 'The person who submitted a claim cannot also approve it',
  'four_eyes.reviewer_releases': 'The reviewer who approved a claim cannot release its payment',
} as const satisfies Record<string, string>;
