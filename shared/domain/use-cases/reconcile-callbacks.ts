import { CallbackNotAccepted, type CohortDeps } from '../ports.ts';
import type { TaskRecord } from '../task.ts';

/**
 * The reconciler: every decision is stored before its callback is sent, so a callback that failed
 * (a dropped connection, a crash between the two) is found here and sent again — never
 * forgotten. A task the workflow no longer waits for (it timed out and followed the stored
 * decision, or was stopped) is simply closed.
 */
export async function redeliverPendingCallbacks(
  deps: Pick<CohortDeps, 'store' | 'workflows' | 'clock'>,
  options: { limit?: number; minAgeMs?: number } = {},
): Promise<{ redelivered: number; closed: number; failed: number }> {
  const result = { redelivered: 0, closed: 0, failed: 0 };
  const cutoff = deps.clock.now().getTime() - (options.minAgeMs ?? 5_000);
  const page = await deps.store.pendingCallbacks({ limit: options.limit ?? 100 });
  for (const task of page.items) {
    // Leave a decision that is still being answered to its own request.
    if (!task.callbackPending || !task.decidedAt || Date.parse(task.decidedAt) > cutoff) continue;
    try {
      await send(deps, task);
      result.redelivered++;
    } catch (error) {
      if (error instanceof CallbackNotAccepted) result.closed++;
      else {
        result.failed++;
        continue;
      }
    }
    await deps.store.closeTask(task.taskId);
  }
  return result;
}

function send(deps: Pick<CohortDeps, 'workflows'>, task: TaskRecord): Promise<void> {
  // A withdrawal closes the waiting task as failed; every other decision is its outcome.
  if (!task.decision)
    return deps.workflows.sendFailure(task.token, 'CaseWithdrawn', 'The case was withdrawn');
  return deps.workflows.sendSuccess(task.token, { outcome: task.decision, taskId: task.taskId });
}
