import type {
  AddApprenticesBody,
  ApprenticeInput,
  CreateCohortBody,
  UpdateCohortBody,
} from '../../schemas/cohort.ts';
import type { AuditDraft } from '../audit.ts';
import { GENESIS_HASH } from '../audit.ts';
import type { ClaimStore } from '../claim-ports.ts';
import { type ApprenticeRecord, type CohortRecord, cohortView, EDITABLE, personHashes } from '../cohort.ts';
import { checkCohortRules } from '../cohort-rules.ts';
import { says } from '../error-codes.ts';
import { Conflict, type FieldError, fieldError, NotFound, ValidationFailed } from '../errors.ts';
import { withPreparer } from '../four-eyes.ts';
import { idempotent } from '../idempotency.ts';
import { checkResidentId, maskIdNumber, maskPhone } from '../identifiers.ts';
import type { TargetLevel } from '../policy.ts';
import type { CohortDeps, DataKey } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import { todayInChinaOf } from '../time.ts';
import { districtOf, visibleCohort } from './common.ts';
import { holdFilingRules, saveClaimingPersons } from './filing-guards.ts';

type Deps = Pick<CohortDeps, 'store' | 'reference' | 'pii' | 'clock' | 'newId'> & {
  claims: Pick<ClaimStore, 'subsidyMarks'>;
};
export interface RequestMeta {
  idempotencyKey: string | undefined;
  fingerprint: string;
}

/**
 * Creates a DRAFT cohort for the caller's enterprise (never one named in the body).
 * Main course: check the school and occupation against the register, apply the rules of the
 * policy in force, encrypt identities, claim each person and mentor capacity, and write the
 * cohort, its audit record and the idempotency record in one transaction.
 */
export async function createCohort(
  deps: Deps,
  principal: Principal,
  body: CreateCohortBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const now = deps.clock.now();
      const districtCode = await districtOf(deps.reference, principal.orgId);
      const { occupation } = await checkAgainstRegister(deps, body, now);
      const cohortId = deps.newId();
      const { key, wrapped } = await deps.pii.newDataKey();
      const apprentices = await sealApprentices(deps, key, body.apprentices);
      const cohort: CohortRecord = {
        cohortId,
        version: 1,
        status: 'DRAFT',
        enterpriseId: principal.orgId,
        schoolId: body.schoolId,
        districtCode,
        occupationCode: occupation.code,
        occupationName: occupation.name,
        occupationEdition: occupation.edition,
        shortage: occupation.shortage,
        targetLevel: body.targetLevel,
        startDate: body.startDate,
        endDate: body.endDate,
        trainingJustification: body.trainingJustification ?? undefined,
        plannedHours: body.plannedHours,
        agreements: body.agreements,
        enterpriseMentors: body.enterpriseMentors,
        schoolMentors: [],
        apprentices,
        wrappedDataKey: wrapped,
        round: 0,
        approvals: [],
        createdAt: now.toISOString(),
        createdBy: principal.sub,
        preparers: [principal.sub],
        updatedAt: now.toISOString(),
        auditSeq: 0,
        auditHead: GENESIS_HASH,
      };
      await checkRules(deps, cohort, body.apprentices, false);
      const { claimPersons, mentorLoads } = await holdFilingRules(deps, cohort, {
        before: undefined,
        claim: 'added',
      });
      const reply = { status: 201, body: cohortView(cohort) };
      await saveClaimingPersons(deps.store, {
        cohort,
        expectedVersion: null,
        audit: {
          action: 'cohort.created',
          actor: actorOf(principal),
          to: 'DRAFT',
          details: { apprentices: apprentices.length },
        },
        idempotency: record(reply),
        claimPersons,
        mentorLoads,
      });
      return reply;
    },
  );
}

/** Edits the cohort's own fields while DRAFT or RETURNED, conditioned on the version the client read. */
export async function updateCohort(
  deps: Deps,
  principal: Principal,
  cohortId: string,
  body: UpdateCohortBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const current = await editableCohort(deps, principal, cohortId);
      if (current.version !== body.version) {
        throw new Conflict(
          says('cohort.version_mismatch', { version: current.version, sent: body.version }),
          {
            status: current.status,
            version: current.version,
          },
        );
      }
      const { version: _version, apprentices: _apprentices, ...changes } = body;
      const merged = {
        schoolId: changes.schoolId ?? current.schoolId,
        occupationCode: changes.occupationCode ?? current.occupationCode,
        targetLevel: changes.targetLevel ?? current.targetLevel,
        startDate: changes.startDate ?? current.startDate,
        endDate: changes.endDate ?? current.endDate,
        trainingJustification:
          changes.trainingJustification === undefined
            ? current.trainingJustification
            : (changes.trainingJustification ?? undefined),
        plannedHours: changes.plannedHours ?? current.plannedHours,
        agreements: changes.agreements ?? current.agreements,
        enterpriseMentors: changes.enterpriseMentors ?? current.enterpriseMentors,
      };
      const now = deps.clock.now();
      const { occupation } = await checkAgainstRegister(deps, merged, now);
      const cohort: CohortRecord = {
        ...current,
        ...merged,
        occupationName: occupation.name,
        occupationEdition: occupation.edition,
        shortage: occupation.shortage,
        preparers: withPreparer(current, principal.sub),
        version: current.version + 1,
        updatedAt: now.toISOString(),
      };
      await checkRules(deps, cohort, undefined, false);
      // An edit of the occupation or level is checked for subsidised persons like a new cohort.
      const { mentorLoads } = await holdFilingRules(deps, cohort, { before: current, claim: 'none' });
      const reply = { status: 200, body: cohortView(cohort) };
      await deps.store.save({
        cohort,
        expectedVersion: current.version,
        audit: {
          action: 'cohort.edited',
          actor: actorOf(principal),
          details: { fields: Object.keys(changes).sort() },
        },
        idempotency: record(reply),
        mentorLoads,
      });
      return reply;
    },
  );
}

/** Adds rows: all of them, or none if any row fails (per-row errors with their paths). */
export async function addApprentices(
  deps: Deps,
  principal: Principal,
  cohortId: string,
  rows: AddApprenticesBody,
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const current = await editableCohort(deps, principal, cohortId);
      const key = await deps.pii.openDataKey(current.wrappedDataKey);
      const added = await sealApprentices(deps, key, rows);
      const cohort: CohortRecord = {
        ...current,
        apprentices: [...current.apprentices, ...added],
        preparers: withPreparer(current, principal.sub),
        version: current.version + 1,
        updatedAt: deps.clock.now().toISOString(),
      };
      // Row numbers in errors are those of the request body, not of the whole cohort.
      const offset = current.apprentices.length;
      await checkRules(deps, cohort, undefined, false, (path) => rebaseRow(path, offset));
      const { claimPersons, mentorLoads } = await holdFilingRules(deps, cohort, {
        before: current,
        claim: 'added',
        rebase: (path) => rebaseRow(path, offset),
      });
      const reply = { status: 201, body: cohortView(cohort) };
      await saveClaimingPersons(deps.store, {
        cohort,
        expectedVersion: current.version,
        audit: { action: 'apprentices.added', actor: actorOf(principal), details: { added: added.length } },
        idempotency: record(reply),
        claimPersons,
        mentorLoads,
      });
      return reply;
    },
  );
}

export async function removeApprentice(
  deps: Omit<Deps, 'pii'>,
  principal: Principal,
  cohortId: string,
  apprenticeId: string,
): Promise<Reply> {
  const current = await editableCohort(deps, principal, cohortId);
  if (!current.apprentices.some((apprentice) => apprentice.apprenticeId === apprenticeId)) {
    throw new NotFound(says('apprentice.not_found', { apprenticeId }));
  }
  const cohort: CohortRecord = {
    ...current,
    apprentices: current.apprentices.filter((apprentice) => apprentice.apprenticeId !== apprenticeId),
    preparers: withPreparer(current, principal.sub),
    version: current.version + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  const { mentorLoads } = await holdFilingRules(deps, cohort, {
    before: current,
    claim: 'none',
    checkSubsidy: false,
  });
  // The person's claim lapses by itself: a claim counts only while its cohort still holds the person.
  await deps.store.save({
    cohort,
    expectedVersion: current.version,
    audit: { action: 'apprentice.removed', actor: actorOf(principal), details: { apprenticeId } },
    mentorLoads,
  });
  return { status: 200, body: cohortView(cohort) };
}

async function editableCohort(
  deps: Pick<Deps, 'store'>,
  principal: Principal,
  cohortId: string,
): Promise<CohortRecord> {
  const cohort = await visibleCohort(deps.store, principal, cohortId);
  if (!EDITABLE.includes(cohort.status)) {
    throw new Conflict(says('cohort.not_editable', { status: cohort.status }), {
      status: cohort.status,
      version: cohort.version,
    });
  }
  return cohort;
}

async function checkAgainstRegister(
  deps: Pick<Deps, 'reference'>,
  body: { schoolId: string; occupationCode: string },
  _now: Date,
) {
  const errors: FieldError[] = [];
  const [school, occupation] = await Promise.all([
    deps.reference.organisation(body.schoolId),
    deps.reference.occupation(body.occupationCode),
  ]);
  if (school?.kind !== 'school') errors.push(fieldError('schoolId', says('school.not_registered')));
  if (!occupation) errors.push(fieldError('occupationCode', says('occupation.unknown')));
  if (errors.length > 0 || !occupation) throw new ValidationFailed(errors);
  return { school, occupation };
}

/**
 * The rules of domain.md that need the policy: on the stored form of the cohort, so create, edit,
 * add and submit apply the very same checks.
 */
export async function checkRules(
  deps: Pick<Deps, 'reference' | 'clock'>,
  cohort: CohortRecord,
  _input: ApprenticeInput[] | undefined,
  forSubmission: boolean,
  rebase: (path: string) => string = (path) => path,
): Promise<void> {
  const today = todayInChinaOf(deps.clock.now());
  const [policy, occupation] = await Promise.all([
    deps.reference.policyInForce(today),
    deps.reference.occupation(cohort.occupationCode),
  ]);
  const errors = checkCohortRules(
    {
      ...cohort,
      targetLevel: cohort.targetLevel as TargetLevel,
      apprentices: cohort.apprentices.map((apprentice) => ({
        name: apprentice.name,
        birthDate: apprentice.birthDate,
        idHash: apprentice.idHash,
        idHashes: personHashes(apprentice),
        contract: apprentice.contract,
        enterpriseMentorKey: apprentice.enterpriseMentorKey,
      })),
    },
    { policy, occupation, today, forSubmission },
  );
  if (errors.length > 0)
    throw new ValidationFailed(errors.map((error) => ({ ...error, path: rebase(error.path) })));
}

function rebaseRow(path: string, offset: number): string {
  const match = /^apprentices\.(\d+)(.*)$/.exec(path);
  if (!match) return path;
  const row = Number(match[1]) - offset;
  return row >= 0 ? `apprentices.${row}${match[2]}` : path;
}

async function sealApprentices(
  deps: Pick<Deps, 'pii' | 'newId'>,
  key: DataKey,
  rows: ApprenticeInput[],
): Promise<ApprenticeRecord[]> {
  return Promise.all(
    rows.map(async (row) => {
      const identity = checkResidentId(row.idNumber);
      if (!identity.ok) throw new ValidationFailed([fieldError('idNumber', identity)]);
      const idHashes = await deps.pii.lookupHashes(row.idNumber.toUpperCase());
      return {
        apprenticeId: deps.newId(),
        name: row.name,
        idCipher: deps.pii.encrypt(key, row.idNumber),
        // One per suite, the one in force first: the person's markers are kept under each.
        idHash: idHashes[0]!,
        idHashes,
        idMasked: maskIdNumber(row.idNumber),
        phoneCipher: deps.pii.encrypt(key, row.phone),
        phoneHash: await deps.pii.hash(row.phone),
        phoneMasked: maskPhone(row.phone),
        birthDate: identity.birthDate,
        hireType: row.hireType,
        contract: { startDate: row.contract.startDate, endDate: row.contract.endDate ?? null },
        enterpriseMentorKey: row.enterpriseMentorKey,
        status: 'enrolled' as const,
      };
    }),
  );
}

export type { AuditDraft };
