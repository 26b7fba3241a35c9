import type { DecisionBody } from '../../schemas/decision.ts';
import type { AuditDraft } from '../audit.ts';
import { type ClaimRecord, canSeeClaim, claimView } from '../claim.ts';
import { type ClaimChange, ObjectionsThrottled } from '../claim-ports.ts';
import { says } from '../error-codes.ts';
import { Conflict, Forbidden, fieldError, NotFound, Throttled, ValidationFailed } from '../errors.ts';
import { handlingDaysOf, workingDaysDue } from '../handling.ts';
import { idempotent } from '../idempotency.ts';
import { isMainlandMobile, maskPhone } from '../identifiers.ts';
import type { CohortDeps, IdempotencyWrite, Page } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import type { TaskRecord } from '../task.ts';
import { todayInChinaOf } from '../time.ts';
import type { ClaimDeps } from './claim-reads.ts';
import type { RequestMeta } from './cohort-drafts.ts';
import { deliverDecision } from './review-lifecycle.ts';

/**
 * The public notice (公示) that anyone can see and object to (domain.md "Public notice that the
 * public can see"): the district's claims on notice, published without anything personal about
 * apprentices; an objection from anyone becomes a bureau task due within `objectionDays` working
 * days; upheld, the claim returns to review (its reservation released, as the bureau's own
 * objection does); dismissed, the reason is recorded and the notice runs on.
 */

/** Objections one address may lodge in one hour (architecture.md: 429 past 5). */
export const OBJECTIONS_PER_ADDRESS_HOUR = 5;

const PUBLIC = { system: 'public-notice' };

export interface PublicNoticeItem {
  claimId: string;
  enterpriseName: string;
  schoolName: string;
  occupationName: string;
  targetLevel: number;
  headcount: number;
  amountFen: number;
  startsOn: string;
  endsOn: string;
  contactPhone: string | null;
}

/**
 * `GET /public/notices?districtCode=`: one Query of the district's running notices (their wait
 * tasks), one BatchGetItem of the claims, one GetItem per distinct organisation and occupation.
 * Names only of organisations; the headcount is a number: nothing of a person.
 */
export async function listPublicNotices(
  deps: Pick<ClaimDeps, 'reference' | 'clock'> & {
    /** Claims whose notice is running in a district (by their notice's wait task), soonest ending first. */
    inNotice(
      districtCode: string,
      options: { limit: number; cursor?: string | undefined },
    ): Promise<Page<ClaimRecord>>;
  },
  query: { districtCode: string; limit: number; cursor?: string | undefined },
): Promise<Reply> {
  const now = deps.clock.now().toISOString();
  const page = await deps.inNotice(query.districtCode, query);
  const running = page.items.filter(
    (claim) =>
      claim.status === 'PUBLIC_NOTICE' &&
      claim.districtCode === query.districtCode &&
      claim.notice !== undefined &&
      now < claim.notice.endsAt,
  );
  const names = new Map<string, Promise<string | undefined>>();
  const nameOf = (orgId: string) => {
    if (!names.has(orgId))
      names.set(
        orgId,
        deps.reference.organisation(orgId).then((org) => org?.name),
      );
    return names.get(orgId)!;
  };
  const occupations = new Map<string, Promise<string | undefined>>();
  const occupationOf = (code: string) => {
    if (!occupations.has(code))
      occupations.set(
        code,
        deps.reference.occupation(code).then((occupation) => occupation?.name),
      );
    return occupations.get(code)!;
  };
  const bureau = running.length > 0 ? await deps.reference.organisation(query.districtCode) : undefined;
  const items: PublicNoticeItem[] = await Promise.all(
    running.map(async (claim) => ({
      claimId: claim.claimId,
      enterpriseName: (await nameOf(claim.enterpriseId)) ?? claim.enterpriseId,
      schoolName: (await nameOf(claim.schoolId)) ?? claim.schoolId,
      occupationName: (await occupationOf(claim.occupationCode)) ?? claim.occupationCode,
      targetLevel: claim.targetLevel,
      headcount: claim.computation.apprentices,
      amountFen: claim.amountFen,
      startsOn: todayInChinaOf(new Date(claim.notice!.startsAt)),
      endsOn: claim.notice!.lastDay ?? todayInChinaOf(new Date(Date.parse(claim.notice!.endsAt) - 1)),
      contactPhone: bureau?.contactPhone ?? null,
    })),
  );
  return {
    status: 200,
    body: { districtCode: query.districtCode, items, nextCursor: page.nextCursor },
    // CloudFront (where the stack has one) and browsers may keep the list for a minute.
    headers: { 'cache-control': 'public, max-age=60' },
  } as Reply;
}

/** A contact as shown to the bureau: a mobile masked like an apprentice's, anything else to its first and last characters. */
export function maskContact(contact: string): string {
  if (isMainlandMobile(contact)) return maskPhone(contact);
  const at = contact.indexOf('@');
  if (at > 0) return `${contact.slice(0, 1)}***${contact.slice(at)}`;
  const chars = [...contact];
  return chars.length <= 2 ? '*'.repeat(chars.length) : `${chars[0]}***${chars.at(-1)}`;
}

export interface PublicObjectionInput {
  name: string;
  contact: string;
  text: string;
}

/**
 * `POST /public/notices/{claimId}/objections`, anyone: refused 404 unless the claim's notice is
 * running; counted against the address's hourly allowance in the objection's own transaction (a
 * sixth in the hour is 429, nothing stored); the task is due in `objectionDays` working days. An
 * `Idempotency-Key` is optional (the console sends one): its records are kept per address hash.
 */
export async function lodgePublicObjection(
  deps: Pick<ClaimDeps, 'claims' | 'store' | 'reference' | 'clock' | 'newId'> & Pick<CohortDeps, 'pii'>,
  claimId: string,
  input: PublicObjectionInput,
  meta: RequestMeta & { sourceIp: string },
): Promise<Reply> {
  const addressHash = await deps.pii.hash(`public-objection-address:${meta.sourceIp}`);
  return idempotent(
    deps.store,
    { sub: `public:${addressHash}`, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await lodgeOnce(deps, claimId, input, addressHash, record);
        } catch (error) {
          if (error instanceof ObjectionsThrottled) {
            throw new Throttled(says('objection.throttled', { max: OBJECTIONS_PER_ADDRESS_HOUR }));
          }
          // The claim moved meanwhile (its notice's own steps): read it again.
          if (error instanceof Conflict && attempt < 3) continue;
          throw error;
        }
      }
    },
  );
}

async function lodgeOnce(
  deps: Pick<ClaimDeps, 'claims' | 'reference' | 'clock' | 'newId'> & Pick<CohortDeps, 'pii'>,
  claimId: string,
  input: PublicObjectionInput,
  addressHash: string,
  record: (reply: Reply) => IdempotencyWrite | undefined,
): Promise<Reply> {
  const claim = await deps.claims.get(claimId);
  const now = deps.clock.now();
  const at = now.toISOString();
  if (claim?.status !== 'PUBLIC_NOTICE' || !claim.notice || at >= claim.notice.endsAt) {
    throw new NotFound(says('public_notice.not_found', { claimId }));
  }
  const policy = await deps.reference.policyInForce(todayInChinaOf(now));
  const { dueAt } = workingDaysDue(now, handlingDaysOf(policy, 'PUBLIC_OBJECTION', 'subsidy-claim')!, policy);
  const { key, wrapped } = await deps.pii.newDataKey();
  const objectionId = deps.newId();
  const task: TaskRecord = {
    taskId: deps.newId(),
    workflow: 'subsidy-claim',
    caseId: claimId,
    round: claim.round,
    stage: 'PUBLIC_OBJECTION',
    role: 'bureau.reviewer',
    org: claim.districtCode,
    status: 'OPEN',
    // No workflow waits on an objection: it has no token, and deciding it sends no callback itself.
    token: '',
    createdAt: at,
    dueAt,
    listed: true,
    objection: {
      objectionId,
      name: input.name,
      contactMasked: maskContact(input.contact),
      contactSealed: deps.pii.encrypt(key, input.contact),
      wrappedKey: wrapped,
      text: input.text,
      addressHash,
      lodgedAt: at,
    },
  };
  const reply = { status: 202, body: { objectionId } };
  await deps.claims.save({
    claim: {
      ...claim,
      publicObjections: [
        ...(claim.publicObjections ?? []),
        { objectionId, taskId: task.taskId, lodgedAt: at, status: 'OPEN' },
      ],
      version: claim.version + 1,
      updatedAt: at,
    },
    expectedVersion: claim.version,
    audit: {
      action: 'notice.public_objection',
      actor: PUBLIC,
      details: { objectionId, taskId: task.taskId, dueAt, addressHash },
    },
    idempotency: record(reply),
    task: { record: task, expectedStatus: null },
    throttle: {
      addressHash,
      hour: at.slice(0, 13),
      max: OBJECTIONS_PER_ADDRESS_HOUR,
      // Kept an hour past its hour (TTL on AWS; DynamoDB Local never expires, the hour key moves on).
      expiresAt: Math.floor(Date.parse(`${at.slice(0, 13)}:00:00Z`) / 1000) + 2 * 3600,
    },
  });
  return reply;
}

/**
 * A bureau reviewer decides a public objection's task: `dismiss` records the reason (the notice runs
 * on); `uphold` sends a claim still on notice back to review as the bureau's own objection does —
 * or, when the notice ran out meanwhile, takes it back from the payment step (a payment is never
 * released while an objection is open).
 */
export async function decidePublicObjection(
  deps: Pick<ClaimDeps, 'claims' | 'store' | 'clock'> & Pick<CohortDeps, 'workflows'>,
  input: {
    principal: Principal;
    task: TaskRecord;
    body: DecisionBody;
    record: (reply: Reply) => IdempotencyWrite | undefined;
  },
): Promise<Reply> {
  const { principal, task, body, record } = input;
  if (body.decision !== 'uphold' && body.decision !== 'dismiss') {
    throw new ValidationFailed([fieldError('decision', says('objection.uphold_or_dismiss'))]);
  }
  const claim = await deps.claims.get(task.caseId);
  if (!claim || !canSeeClaim(principal, claim) || task.org !== principal.orgId) {
    throw new NotFound(says('task.not_found', { taskId: task.taskId }));
  }
  if (task.role !== principal.role) throw new Forbidden(says('task.wrong_role', { role: task.role }));
  // The task's own write is conditioned on it being OPEN: a decision racing this one fails there.
  const entry = claim.publicObjections?.find((item) => item.taskId === task.taskId);
  if (entry?.status !== 'OPEN') {
    throw new Conflict(says('objection.decided', { status: entry?.status ?? task.status }));
  }
  const at = deps.clock.now().toISOString();
  const reason = body.reason!;
  const uphold = body.decision === 'uphold';
  const objections = claim.publicObjections!.map((item) =>
    item === entry
      ? { ...item, status: uphold ? ('UPHELD' as const) : ('DISMISSED' as const), reason }
      : item,
  );
  const decidedObjection: TaskRecord = {
    ...task,
    status: 'CLOSED',
    decision: body.decision,
    decidedBy: principal.sub,
    decidedAt: at,
  };
  const audit: AuditDraft = {
    action: `notice.public_objection_${uphold ? 'upheld' : 'dismissed'}`,
    actor: actorOf(principal),
    reason,
    details: { objectionId: task.objection?.objectionId, taskId: task.taskId },
  };
  const waiting = claim.openTask ? await deps.store.task(claim.openTask.taskId) : undefined;
  // Upheld while the claim still waits on its notice or its payment: back to review.
  const sendsBack =
    uphold && waiting?.status === 'OPEN' && ['PUBLIC_NOTICE', 'PAYMENT'].includes(claim.status);
  let next: ClaimRecord = {
    ...claim,
    publicObjections: objections,
    version: claim.version + 1,
    updatedAt: at,
  };
  let change: Omit<ClaimChange, 'claim' | 'idempotency'> = {
    expectedVersion: claim.version,
    audit,
    task: { record: decidedObjection, expectedStatus: 'OPEN' },
  };
  let callback: TaskRecord | undefined;
  if (sendsBack && waiting) {
    callback = {
      ...waiting,
      status: 'DECIDED',
      decision: 'objection',
      decidedBy: principal.sub,
      decidedAt: at,
      callbackPending: true,
    };
    decidedObjection.objection = { ...task.objection!, noticeTaskId: waiting.taskId };
    // The upheld objection is in `publicObjections` (the bureau's own are in `notice.objections`).
    next = { ...next, status: 'BUREAU_REVIEW', openTask: undefined, reservedFen: 0 };
    change = {
      ...change,
      audit: { ...audit, from: claim.status, to: 'BUREAU_REVIEW' },
      otherTasks: [{ record: callback, expectedStatus: 'OPEN' }],
      budget:
        (claim.reservedFen ?? 0) > 0
          ? {
              districtCode: claim.districtCode,
              year: claim.budgetYear!,
              operation: 'unreserve',
              amountFen: claim.reservedFen!,
            }
          : undefined,
    };
  }
  const reply = {
    status: 200,
    body: { taskId: task.taskId, decision: body.decision, stage: task.stage, claim: claimView(next) },
  };
  await deps.claims.save({ ...change, claim: next, idempotency: record(reply) });
  if (callback) await deliverDecision(deps, callback);
  return reply;
}

/** A replayed uphold: the notice's (or payment's) callback it decided may still be undelivered. */
export async function redeliverUpheld(
  deps: Pick<ClaimDeps, 'store'> & Pick<CohortDeps, 'workflows'>,
  task: TaskRecord,
): Promise<void> {
  const noticeTaskId = task.objection?.noticeTaskId;
  const waiting = noticeTaskId ? await deps.store.task(noticeTaskId) : undefined;
  if (waiting?.callbackPending) await deliverDecision(deps, waiting);
}
