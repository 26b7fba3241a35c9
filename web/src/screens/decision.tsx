/**
 * A decision on the task waiting for the person's role (a cohort's review or a claim's stage):
 * approve, return or reject, with a reason (required to return or reject, as the API says).
 * Stage data (the school's enrolment or verified hours, the bureau's approved amount) comes from
 * the screen around it; its field errors go back to that screen. Whatever stops a decision —
 * the screen's own checks, the API's field errors, a refusal — is listed in an error summary right
 * above the buttons, which takes the focus and scrolls into view, each problem linked to its field.
 */

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type FieldError } from '../api.ts';
import { useApp } from '../context.ts';
import type { CodedField } from '../error-words.ts';
import { punct, useI18n } from '../i18n.ts';
import { Alert, ErrorSummary, type Problem } from '../ui.tsx';

type Outcome = 'approve' | 'return' | 'reject';

/** Where a stage-data path is on the screen (`enrolment.3.studentNumber` → that input, "第 4 行 学号"). */
export type FieldTarget = (path: string) => { id: string; label?: string } | undefined;

export function DecisionPanel(props: {
  /** The open task of the case (`currentTask`); nothing is shown without one. */
  task: { taskId: string } | null | undefined;
  approveLabel?: string;
  /** Only approve (the treasurer releases a payment; there is nothing to return or reject). */
  approveOnly?: boolean;
  /** Stage fields shown above the reason (the bureau's approved amount). */
  children?: ComponentChildren;
  /** Stage data sent with an approval. */
  approveBody?: (reason: string) => Record<string, unknown>;
  /** Sent with a return: the one-time correction notice (issue 14). */
  returnBody?: () => Record<string, unknown>;
  /** Shown under the reason: the correction list edited for a return. */
  returnFields?: ComponentChildren;
  /** Problems the screen finds in its stage data before approving (blocks the approval); `reason` ones show at the reason. */
  checkApproval?: (reason: string) => CodedField[];
  /** The API refused the stage data: its field errors, for the screen to show. */
  onFieldErrors?: (errors: FieldError[]) => void;
  /** The field of a stage-data path, for the summary's links. */
  target?: FieldTarget;
  /** What an approval did, in words ("备案通过。", "已核准 ¥70,000.00。"): not a bare "已同意". */
  approvedMessage?: string;
  /** The outcome, and what it did in words (shown by the screen). */
  onDecided: (outcome: Outcome, message: string) => void;
}) {
  const { t, m } = useI18n();
  const { api } = useApp();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [sending, setSending] = useState<Outcome>();
  const [failure, setFailure] = useState<unknown>();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [attempt, setAttempt] = useState(0);
  const [done, setDone] = useState<Outcome>();
  const task = props.task;
  const target: FieldTarget = (path) =>
    path === 'reason' ? { id: 'decision-reason', label: t('decision.reason') } : props.target?.(path);

  const doneMessage = (outcome: Outcome) =>
    outcome === 'approve' && props.approvedMessage ? props.approvedMessage : t(`decision.done.${outcome}`);

  const refuse = (found: Problem[], error?: unknown) => {
    setProblems(found);
    setFailure(error);
    setAttempt((value) => value + 1);
  };

  const decide = async (decision: Outcome) => {
    setFailure(undefined);
    setProblems([]);
    setReasonError(undefined);
    if (!task) return;
    if (decision !== 'approve' && reason.trim() === '') {
      setReasonError(t('decision.reasonRequired'));
      return refuse([{ text: t('decision.reasonRequired'), target: 'decision-reason' }]);
    }
    if (decision === 'approve' && props.checkApproval) {
      const found = props.checkApproval(reason.trim());
      const reasonProblems = found.filter((problem) => problem.path === 'reason');
      if (reasonProblems.length)
        setReasonError(reasonProblems.map((problem) => m(problem)).join(punct().semi));
      if (found.length > 0)
        return refuse(
          found.map((problem) => {
            const place = target(problem.path);
            return {
              text: place?.label ? t('error.field', { field: place.label, message: m(problem) }) : m(problem),
              target: place?.id,
            };
          }),
        );
    }
    const body = {
      decision,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      ...(decision === 'approve' && props.approveBody ? props.approveBody(reason.trim()) : {}),
      ...(decision === 'return' && props.returnBody ? props.returnBody() : {}),
    };
    setSending(decision);
    try {
      await api.post(`/tasks/${task.taskId}/decision`, { body });
      setDone(decision);
      props.onDecided(decision, doneMessage(decision));
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.errors.length) {
        const reasonErrors = error.errors.filter((entry) => entry.path === 'reason');
        if (reasonErrors.length) setReasonError(reasonErrors.map((entry) => m(entry)).join(punct().semi));
        props.onFieldErrors?.(error.errors.filter((entry) => entry.path !== 'reason'));
      }
      refuse([], error);
    } finally {
      setSending(undefined);
    }
  };

  if (done) return <Alert kind="success">{doneMessage(done)}</Alert>;
  if (!task) return null;
  return (
    <section class="decision" aria-labelledby="decision-title" data-testid="decision-panel">
      <h2 id="decision-title">{t('decision.title')}</h2>
      {props.children}
      <div class={`field ${reasonError ? 'field-invalid' : ''}`}>
        <label for="decision-reason">{t('decision.reason')}</label>
        <textarea
          id="decision-reason"
          rows={3}
          maxLength={500}
          value={reason}
          aria-invalid={Boolean(reasonError)}
          aria-describedby={
            reasonError ? 'decision-reason-hint decision-reason-error' : 'decision-reason-hint'
          }
          onInput={(event) => {
            setReasonError(undefined);
            setReason(event.currentTarget.value);
          }}
        />
        <small class="hint" id="decision-reason-hint">
          {t('decision.reasonHint')}
        </small>
        {reasonError ? (
          <small class="error-text" id="decision-reason-error">
            {reasonError}
          </small>
        ) : null}
      </div>
      {props.returnFields}
      <ErrorSummary
        attempt={attempt}
        problems={problems}
        error={failure}
        target={target}
        id="decision-problems"
      />
      <div class="decision-buttons">
        <button
          type="button"
          class="button-primary"
          disabled={sending !== undefined}
          onClick={() => void decide('approve')}
          data-testid="decision-approve"
        >
          {sending === 'approve' ? t('decision.sending') : (props.approveLabel ?? t('decision.approve'))}
        </button>
        {props.approveOnly ? null : (
          <>
            <button
              type="button"
              class="button-secondary"
              disabled={sending !== undefined}
              onClick={() => void decide('return')}
              data-testid="decision-return"
            >
              {t('decision.return')}
            </button>
            <button
              type="button"
              class="button-danger"
              disabled={sending !== undefined}
              onClick={() => void decide('reject')}
              data-testid="decision-reject"
            >
              {t('decision.reject')}
            </button>
          </>
        )}
      </div>
    </section>
  );
}
