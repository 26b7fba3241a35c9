/**
 * The public's objections to a claim on notice (issue 14), for the district's reviewer on the claim's
 * page: each open objection task (name, masked contact, text, due date) with a note and the two
 * decisions it takes — uphold (the claim goes back to review) or dismiss.
 */
import { useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Alert, ErrorAlert, useLoad } from '../ui.tsx';
import type { Task } from './cohort-parts.tsx';

export function ClaimObjections(props: { claimId: string; onDecided: () => void }) {
  const { t, lang } = useI18n();
  const { api, session } = useApp();
  const tasks = useLoad(
    async () =>
      session.role === 'bureau.reviewer'
        ? (await api.all<Task>('/tasks')).filter(
            (task) => task.caseId === props.claimId && task.stage === 'PUBLIC_OBJECTION',
          )
        : [],
    [props.claimId],
  );
  // Kept here, not on the card: the decided task leaves the list when it reloads, and the
  // confirmation must stay after it (it vanished with the card when the reload was quick).
  const [decided, setDecided] = useState(false);
  const confirmation = decided ? <Alert kind="success">{t('objections.decided')}</Alert> : null;
  if (!tasks.data || tasks.data.length === 0) return confirmation;
  return (
    <section aria-labelledby="objections-title" data-testid="claim-objections">
      <h2 id="objections-title">{t('objections.title')}</h2>
      {confirmation}
      <ul class="notice-list">
        {tasks.data.map((task) => (
          <li key={task.taskId} class="notice-card" data-testid="objection-task">
            <p>
              {t('objections.from', {
                name: task.objection?.name ?? '—',
                contact: task.objection?.contact ?? '—',
                at: formatInstant(task.objection?.lodgedAt ?? task.createdAt, lang),
              })}
            </p>
            <p class="wrap">{task.objection?.text}</p>
            <p class={task.overdue ? 'overdue' : ''}>
              <small>
                {t('payments.due', { at: formatInstant(task.dueAt, lang) })}
                {task.overdue ? ` · ${t('inbox.overdue')}` : ''}
              </small>
            </p>
            <ObjectionDecision
              task={task}
              onDecided={() => {
                setDecided(true);
                tasks.reload();
                props.onDecided();
              }}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

function ObjectionDecision(props: { task: Task; onDecided: () => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const id = `objection-reason-${props.task.taskId}`;
  const decide = async (decision: 'uphold' | 'dismiss') => {
    setError(undefined);
    try {
      await api.post(`/tasks/${props.task.taskId}/decision`, { body: { decision, reason } });
      props.onDecided();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div>
      <div class="field">
        <label for={id}>{t('objections.reason')}</label>
        <textarea
          id={id}
          class="objection-input"
          rows={2}
          maxLength={500}
          value={reason}
          onInput={(event) => setReason((event.currentTarget as HTMLTextAreaElement).value)}
        />
      </div>
      {error ? <ErrorAlert error={error} /> : null}
      <div class="actions">
        <button type="button" data-testid="objection-uphold" onClick={() => decide('uphold')}>
          {t('objections.uphold')}
        </button>
        <button
          type="button"
          class="button-secondary"
          data-testid="objection-dismiss"
          onClick={() => decide('dismiss')}
        >
          {t('objections.dismiss')}
        </button>
      </div>
    </div>
  );
}
