/** Cohorts, apprentices, mentors, enrolment, filing, documents, reference data and four eyes. */
export const COHORT_MESSAGES = {
  // Cohorts: finding, editing, submitting, withdrawing.
  'cohort.not_found': 'No cohort {cohortId}',
  'cohort.version_mismatch': 'The cohort is at version {version}, not {sent}; reload it',
  'cohort.not_editable': 'A cohort can be edited only while DRAFT or RETURNED; it is {status}',
  'cohort.not_submittable': 'Only a DRAFT or RETURNED cohort can be submitted; it is {status}',
  'cohort.not_withdrawable': 'A {status} cohort cannot be withdrawn',
  'cohort.not_filed_for_changes':
    'Changes of circumstances are recorded while the cohort is FILED; it is {status}',
  'cohort.person_subsidised':
    'A person of this cohort was already subsidised for its occupation at this level or higher; return the cohort to remove them',
  'enterprise.not_registered': 'your enterprise is not in the register; ask the bureau to register it',
  'school.not_registered': 'no school with this code in the register',

  // Apprentices: the money rules, changes while FILED, reading an identity.
  'apprentice.not_found': 'No apprentice {apprenticeId} in this cohort',
  'apprentice.already_subsidised': 'this person was already subsidised for {occupationCode} at level {level}',
  'apprentice.in_another_cohort': 'this person is already in another active cohort',
  'apprentice.already_left': 'This apprentice is already {status}',
  'apprentice.not_in_training': 'This apprentice is {status}',
  'apprentice.has_outcome': 'This apprentice already has an outcome ({status})',
  'withdrawal.clerk_only': 'Withdrawals are recorded by the enterprise clerk',
  'withdrawal.date_out_of_range': "must be between the cohort's start ({start}) and today ({today})",
  'outcome.recorder_only': 'Outcomes are recorded by the school registrar or the enterprise clerk',
  'certificate.issued_in_future': 'a certificate cannot be issued in the future',
  'identity.reviewer_only': 'Only a bureau reviewer may read a full ID number',

  // Mentors: replacement and load across active cohorts.
  'mentor.replaced_by_role': 'This mentor is replaced by the {role}',
  'mentor.level_below_minimum': 'a mentor holds level {level} or higher',
  'mentor.key_taken': 'this key is already a mentor of the cohort',
  'mentor.key_not_in_cohort': 'no {side} mentor with this key in the cohort',
  'mentor.load_exceeded': 'this mentor would take {count} apprentices across active cohorts; at most {max}',
  'organisation.not_found': 'No enterprise or school {orgId} in the register',
  'mentor.register_own_only':
    "An organisation's mentors are read by its own users and the bureau of its district",

  // Reviews: tasks, decisions, the school's enrolment.
  'task.not_found': 'No task {taskId}',
  'task.wrong_role': 'This task is for {role}',
  'task.closed': 'This task is closed; the {noun} is {status}',
  'review.case_changed': 'The case changed meanwhile; try again',
  'review.enrolment_school_stage_only': 'enrolment is given only at the school stage',
  'review.amount_for_claims_only': 'applies to claims, not to cohort filing',
  'enrolment.school_mentors_required': 'the school names its mentors when it approves',
  'apprentice.not_in_cohort': 'no such apprentice in this cohort',
  'enrolment.apprentice_missing':
    'apprentice {position} ({apprenticeId}) has no student number and school mentor',

  // Four eyes: nobody approves what they prepared.
  'four_eyes.cohort_preparer_approves': 'The person who prepared a cohort cannot also approve it',
  'four_eyes.claim_preparer_approves': 'The person who prepared a claim cannot also approve it',

  // Evidence documents: the upload and a claim's references to them.
  'document.not_found': 'No document {documentId}',
  'document.cohort_not_filed': 'Evidence is uploaded for a FILED cohort; this one is {status}',
  'document.content_type_not_allowed': 'a {kind} is one of {types}',
  'document.too_large': 'a {kind} is at most {mib} MiB',
  'evidence.document_unknown':
    'no document of this cohort has this key; upload it first (POST /cohorts/{cohortId}/documents)',
  'evidence.document_repeated': 'this document is already listed',
  'evidence.document_pending': 'this document has not been uploaded yet',
  'evidence.document_rejected': 'this document was rejected: {reason}',
  'evidence.sha256_mismatch': 'is not the SHA-256 of the stored document',
  'evidence.kind_mismatch': 'the document was uploaded as {kind}',

  // Reference data: the policy, published by the municipal bureau, and the budgets, kept by each district's administrator.
  'policy.admin_only':
    'Policy versions are published by the municipal bureau’s administrator (city.admin) for every district; a district bureau reads the policy',
  'policy.city_not_registered': '{orgId} is not a municipal bureau of the register; it publishes no policy',
  'policy.version_exists':
    'Policy version {policyVersion} exists; a change is a new version (e.g. the next sequence number)',
  'budget.not_found': 'No budget of {districtCode} for {year}',
  'budget.own_bureau_only': 'A budget is set by the administrator of its own bureau',
  'budget.version_mismatch': 'The budget is at version {version}',
  'budget.below_committed': 'The budget cannot go below what is reserved and paid ({fen} fen)',

  // Requests, audit trails and reports.
  'idempotency.key_reused': 'This Idempotency-Key was used with a different request',
  'audit.bureau_only': 'Only a bureau verifies audit trails',
  'reports.bureau_only': 'Reports are for the bureaus (the districts’ and the municipal bureau)',
  'reports.district_not_yours': 'is neither your district nor a district of your city',
} as const satisfies Record<string, string>;
