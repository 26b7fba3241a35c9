import type { ClaimStage } from './claim.ts';
import type { ReviewStage } from './cohort.ts';
import type { Role } from './principal.ts';

export type TaskStatus = 'OPEN' | 'DECIDED' | 'CLOSED' | 'EXPIRED';
export type DecisionOutcome = 'approve' | 'return' | 'reject' | 'objection' | 'uphold' | 'dismiss';

/**
 * A human decision a workflow waits for. It holds the Step Functions task token, which never
 * leaves the server: callers act by `taskId` (style.md: no task tokens in URLs).
 */
export interface TaskRecord {
  taskId: string;
  workflow: 'cohort-filing' | 'subsidy-claim';
  caseId: string;
  round: number;
  stage: ReviewStage | ClaimStage | 'PUBLIC_NOTICE' | 'PUBLIC_OBJECTION';
  role: Role;
  /** The organisation whose inbox holds it. */
  org: string;
  status: TaskStatus;
  token: string;
  createdAt: string;
  dueAt: string;
  decision?: DecisionOutcome;
  decidedBy?: string;
  decidedAt?: string;
  /** A decision recorded whose callback has not been acknowledged yet (the reconciler re-drives it). */
  callbackPending?: boolean;
  /** False for a wait nobody decides in an inbox (the public notice period). */
  listed?: boolean;
  /** A public objection's task (stage PUBLIC_OBJECTION): what the citizen wrote; no workflow waits on it. */
  objection?: PublicObjectionOnTask;
  /** Set once when a bureau stage ran past its handling limit (escalated to the district's bureau.admin). */
  overdueAt?: string;
  version?: number;
}

/** What a citizen lodged through the public page; the contact is sealed, only its mask is shown. */
export interface PublicObjectionOnTask {
  objectionId: string;
  name: string;
  contactMasked: string;
  contactSealed: string;
  wrappedKey: string;
  text: string;
  /** Keyed hash (HMAC) of the address it came from: for throttling and abuse reports, never the address. */
  addressHash: string;
  lodgedAt: string;
  /** Uphold: the notice's wait task decided with it (its callback may be pending). */
  noticeTaskId?: string;
  reason?: string;
}

/** Whether an open task ran past its due time (working days at bureau stages). */
export function isOverdue(task: Pick<TaskRecord, 'status' | 'dueAt' | 'overdueAt'>, now: Date): boolean {
  return task.status === 'OPEN' && (task.overdueAt !== undefined || Date.parse(task.dueAt) <= now.getTime());
}

export function taskView(task: TaskRecord, now?: Date) {
  const objection = task.objection;
  return {
    taskId: task.taskId,
    workflow: task.workflow,
    stage: task.stage,
    caseId: task.caseId,
    role: task.role,
    status: task.status,
    createdAt: task.createdAt,
    dueAt: task.dueAt,
    ...(now ? { overdue: isOverdue(task, now) } : {}),
    ...(objection
      ? {
          objection: {
            objectionId: objection.objectionId,
            name: objection.name,
            contact: objection.contactMasked,
            text: objection.text,
            lodgedAt: objection.lodgedAt,
          },
        }
      : {}),
  };
}

/**
 * A decision handed to a waiting step's token without anyone deciding again: the decision a
 * retried opening step finds already taken, or a notice that ran out while its wait was retried.
 * It is stored DECIDED with its callback pending, and the reconciler delivers it.
 */
export function preDecidedTask(
  task: Pick<
    TaskRecord,
    'taskId' | 'workflow' | 'caseId' | 'round' | 'stage' | 'role' | 'org' | 'token' | 'listed'
  > & {
    decision: DecisionOutcome;
    at: string;
  },
): TaskRecord {
  const { at, listed, ...rest } = task;
  return {
    ...rest,
    status: 'DECIDED',
    decidedAt: at,
    callbackPending: true,
    createdAt: at,
    dueAt: at,
    ...(listed === undefined ? {} : { listed }),
  };
}
