import type { ClaimStage } from './claim.ts';
import type { ReviewStage } from './cohort.ts';
import type { Role } from './principal.ts';

export type TaskStatus = 'OPEN' | 'DECIDED' | 'CLOSED' | 'EXPIRED';
export type DecisionOutcome = 'approve' | 'return' | 'reject' | 'objection';

/**
 * A human decision a workflow waits for. It holds the Step Functions task token, which never
 * leaves the server: callers act by `taskId` (style.md: no task tokens in URLs).
 */
export interface TaskRecord {
  taskId: string;
  workflow: 'cohort-filing' | 'subsidy-claim';
  caseId: string;
  round: number;
  stage: ReviewStage | ClaimStage | 'PUBLIC_NOTICE';
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
  version?: number;
}

export function taskView(task: TaskRecord) {
  return {
    taskId: task.taskId,
    workflow: task.workflow,
    stage: task.stage,
    caseId: task.caseId,
    role: task.role,
    status: task.status,
    createdAt: task.createdAt,
    dueAt: task.dueAt,
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
