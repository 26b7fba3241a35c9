/**
 * A filed cohort's changes of circumstance (use case apprenticeship), each one audited change: the
 * clerk records that an apprentice left; a mentor is replaced — the school's by the registrar, the
 * enterprise's by the signatory (domain.md). Outcomes have their own screen (outcomes.tsx).
 */

import { useState } from 'preact/hooks';
import { ApiError } from '../../api.ts';
import { useApp } from '../../context.ts';
import type { CodedField } from '../../error-words.ts';
import { todayInChina } from '../../format.ts';
import { type MessageKey, punct, useI18n } from '../../i18n.ts';
import { ConfirmDialog, type Problem } from '../../ui.tsx';
import { ApprenticeTable, type CohortApprentice, type CohortView } from '../cohort-parts.tsx';
import type { OnChanged } from './case.tsx';

const WITHDRAWAL_REASONS = ['resigned', 'dismissed', 'transferred_out', 'other'] as const;

/** The clerk records that an apprentice left (date and reason). */
export function WithdrawableApprentices(props: { cohort: CohortView; onChanged: OnChanged }) {
  const { t, m } = useI18n();
  const { api, systemNow } = useApp();
  const [leaving, setLeaving] = useState<CohortApprentice>();
  const [date, setDate] = useState('');
  const [reason, setReason] = useState<(typeof WITHDRAWAL_REASONS)[number]>('resigned');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const open = (apprentice: CohortApprentice) => {
    setLeaving(apprentice);
    setError(undefined);
    setNote('');
    systemNow().then((now) => setDate(todayInChina(now)));
  };
  const save = async (): Promise<Problem[] | undefined> => {
    if (!leaving) return;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      setError(t('outcome.dateRequired'));
      return [{ text: t('outcome.dateRequired'), target: 'withdrawal-date' }];
    }
    try {
      await api.post(`/cohorts/${props.cohort.cohortId}/apprentices/${leaving.apprenticeId}/withdrawal`, {
        body: { date, reason, ...(note.trim() ? { note: note.trim() } : {}) },
      });
    } catch (caught) {
      if (!(caught instanceof ApiError && caught.errors.length)) throw caught;
      const text = caught.errors.map((entry) => m(entry)).join(punct().semi);
      setError(text);
      return [{ text, target: 'withdrawal-date' }];
    }
    setLeaving(undefined);
    props.onChanged(t('withdrawal.done', { name: leaving.name }));
  };
  return (
    <>
      <ApprenticeTable
        cohort={props.cohort}
        extra={{
          header: t('col.actions'),
          cell: (apprentice) =>
            apprentice.status === 'enrolled' ? (
              <button
                type="button"
                class="button-ghost small"
                aria-label={t('withdrawal.open', { name: apprentice.name })}
                data-testid="withdraw-apprentice"
                onClick={() => open(apprentice)}
              >
                {t('withdrawal.button')}
              </button>
            ) : apprentice.withdrawal ? (
              <small>{t(`withdrawReason.${apprentice.withdrawal.reason}` as MessageKey)}</small>
            ) : null,
        }}
      />
      <ConfirmDialog
        open={leaving !== undefined}
        title={t('withdrawal.title', { name: leaving?.name ?? '' })}
        tone="danger"
        onClose={() => setLeaving(undefined)}
        onConfirm={save}
      >
        <div class={`field ${error ? 'field-invalid' : ''}`}>
          <label for="withdrawal-date">{t('withdrawal.date')}</label>
          <input
            id="withdrawal-date"
            type="date"
            value={date}
            min={props.cohort.startDate}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? 'withdrawal-date-error' : undefined}
            onInput={(event) => {
              setError(undefined);
              setDate(event.currentTarget.value);
            }}
          />
          {error ? (
            <small class="error-text" id="withdrawal-date-error">
              {error}
            </small>
          ) : null}
        </div>
        <div class="field">
          <label for="withdrawal-reason">{t('withdrawal.reason')}</label>
          <select
            id="withdrawal-reason"
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value as (typeof WITHDRAWAL_REASONS)[number])}
          >
            {WITHDRAWAL_REASONS.map((value) => (
              <option key={value} value={value}>
                {t(`withdrawReason.${value}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="withdrawal-note">{t('withdrawal.note')}</label>
          <textarea
            id="withdrawal-note"
            rows={2}
            maxLength={500}
            value={note}
            onInput={(event) => setNote(event.currentTarget.value)}
          />
        </div>
      </ConfirmDialog>
    </>
  );
}

interface NewMentor {
  key: string;
  name: string;
  number: string;
  skillLevel: string;
}

/** Where each problem of a mentor change shows: the reason, the choice, or the new mentor's fields. */
const PROBLEM_FIELD: Record<string, string> = {
  reason: 'mentor-reason',
  choice: 'mentor-choice',
  new: 'mentor-name',
};

/**
 * A mentor replaced for one apprentice, with one already in the cohort or a new one, and a reason;
 * the API checks the mentor's load across active cohorts.
 */
export function MentorChange(props: {
  cohort: CohortView;
  side: 'enterprise' | 'school';
  onChanged: OnChanged;
}) {
  const { t, m } = useI18n();
  const { api } = useApp();
  const { cohort, side } = props;
  const mentors =
    side === 'school'
      ? cohort.schoolMentors.map((mentor) => ({ key: mentor.key, name: mentor.name }))
      : cohort.enterpriseMentors.map((mentor) => ({ key: mentor.key, name: mentor.name }));
  const [target, setTarget] = useState<CohortApprentice>();
  const [choice, setChoice] = useState('');
  const [added, setAdded] = useState<NewMentor>({ key: '', name: '', number: '', skillLevel: '2' });
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Map<string, CodedField[]>>(new Map());
  const currentKey = (apprentice: CohortApprentice) =>
    side === 'school' ? apprentice.schoolMentorKey : apprentice.enterpriseMentorKey;
  const open = (apprentice: CohortApprentice) => {
    setTarget(apprentice);
    setChoice(mentors.find((mentor) => mentor.key !== currentKey(apprentice))?.key ?? 'new');
    let n = mentors.length + 1;
    const prefix = side === 'school' ? 't' : 'm';
    while (mentors.some((mentor) => mentor.key === `${prefix}${n}`)) n++;
    setAdded({ key: `${prefix}${n}`, name: '', number: '', skillLevel: '2' });
    setReason('');
    setErrors(new Map());
  };
  const asProblems = (found: Map<string, CodedField[]>): Problem[] =>
    [...found.entries()].flatMap(([path, errors]) =>
      errors.map((error) => ({ text: m(error), target: PROBLEM_FIELD[path] })),
    );
  const save = async (): Promise<Problem[] | undefined> => {
    if (!target) return;
    const found = new Map<string, CodedField[]>();
    if (!reason.trim()) found.set('reason', [{ path: 'reason', message: t('mentor.reasonRequired') }]);
    if (choice === 'new' && (!added.key.trim() || !added.name.trim() || !added.number.trim()))
      found.set('new', [{ path: 'new', message: t('mentor.newRequired') }]);
    setErrors(found);
    if (found.size) return asProblems(found);
    const body =
      choice !== 'new'
        ? { [side === 'school' ? 'schoolMentorKey' : 'enterpriseMentorKey']: choice, reason: reason.trim() }
        : side === 'school'
          ? {
              schoolMentor: {
                key: added.key.trim(),
                name: added.name.trim(),
                teacherNo: added.number.trim(),
              },
              reason: reason.trim(),
            }
          : {
              enterpriseMentor: {
                key: added.key.trim(),
                name: added.name.trim(),
                employeeNo: added.number.trim(),
                skillLevel: Number(added.skillLevel),
              },
              reason: reason.trim(),
            };
    try {
      await api.put(`/cohorts/${cohort.cohortId}/apprentices/${target.apprenticeId}/mentors`, { body });
    } catch (caught) {
      if (!(caught instanceof ApiError && caught.status === 400 && caught.errors.length)) throw caught;
      const byPath = new Map<string, CodedField[]>();
      for (const entry of caught.errors) {
        const path = entry.path === 'reason' ? 'reason' : entry.path.endsWith('MentorKey') ? 'choice' : 'new';
        byPath.set(path, [...(byPath.get(path) ?? []), entry]);
      }
      setErrors(byPath);
      return asProblems(byPath);
    }
    setTarget(undefined);
    props.onChanged(t('mentor.done', { name: target.name }));
  };
  const errorOf = (path: string) =>
    errors.get(path) ? (
      <small class="error-text" id={`mentor-${path}-error`}>
        {errors.get(path)!.map(m).join(punct().semi)}
      </small>
    ) : null;
  const describedBy = (path: string) => (errors.get(path) ? `mentor-${path}-error` : undefined);
  return (
    <>
      <ApprenticeTable
        cohort={cohort}
        extra={{
          header: t('col.actions'),
          cell: (apprentice) =>
            apprentice.status === 'enrolled' ? (
              <button
                type="button"
                class="button-ghost small"
                aria-label={t('mentor.open', { name: apprentice.name })}
                data-testid="replace-mentor"
                onClick={() => open(apprentice)}
              >
                {side === 'school' ? t('mentor.school') : t('mentor.enterprise')}
              </button>
            ) : null,
        }}
      />
      <ConfirmDialog
        open={target !== undefined}
        title={t('mentor.title', {
          name: target?.name ?? '',
          side: side === 'school' ? t('case.schoolMentors') : t('case.mentors'),
        })}
        onClose={() => setTarget(undefined)}
        onConfirm={save}
      >
        <p>
          {t('mentor.current', {
            mentor: (target && mentors.find((mentor) => mentor.key === currentKey(target))?.name) ?? '—',
          })}
        </p>
        <div class={`field ${errors.get('choice') ? 'field-invalid' : ''}`}>
          <label for="mentor-choice">{t('mentor.to')}</label>
          <select
            id="mentor-choice"
            value={choice}
            aria-describedby={describedBy('choice')}
            onChange={(event) => setChoice(event.currentTarget.value)}
          >
            {mentors
              .filter((mentor) => !target || mentor.key !== currentKey(target))
              .map((mentor) => (
                <option key={mentor.key} value={mentor.key}>
                  {mentor.key} {mentor.name}
                </option>
              ))}
            <option value="new">{t('mentor.new')}</option>
          </select>
          {errorOf('choice')}
        </div>
        {choice === 'new' ? (
          <div class={`form-grid ${errors.get('new') ? 'field-invalid' : ''}`}>
            <div class="field">
              <label for="mentor-key">{t('form.mentorKey')}</label>
              <input
                id="mentor-key"
                value={added.key}
                onInput={(event) => setAdded({ ...added, key: event.currentTarget.value })}
              />
            </div>
            <div class="field">
              <label for="mentor-name">{t('form.mentorName')}</label>
              <input
                id="mentor-name"
                value={added.name}
                aria-describedby={describedBy('new')}
                onInput={(event) => setAdded({ ...added, name: event.currentTarget.value })}
              />
            </div>
            <div class="field">
              <label for="mentor-number">
                {side === 'school' ? t('enrol.teacherNo') : t('form.employeeNo')}
              </label>
              <input
                id="mentor-number"
                value={added.number}
                onInput={(event) => setAdded({ ...added, number: event.currentTarget.value })}
              />
            </div>
            {side === 'enterprise' ? (
              <div class="field">
                <label for="mentor-level">{t('form.skillLevel')}</label>
                <select
                  id="mentor-level"
                  value={added.skillLevel}
                  onChange={(event) => setAdded({ ...added, skillLevel: event.currentTarget.value })}
                >
                  {[1, 2, 3, 4, 5].map((level) => (
                    <option key={level} value={String(level)}>
                      {t(`level.${level}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            {errorOf('new')}
          </div>
        ) : null}
        <div class={`field ${errors.get('reason') ? 'field-invalid' : ''}`}>
          <label for="mentor-reason">{t('mentor.reason')}</label>
          <textarea
            id="mentor-reason"
            rows={2}
            maxLength={500}
            value={reason}
            aria-describedby={describedBy('reason')}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          {errorOf('reason')}
        </div>
      </ConfirmDialog>
    </>
  );
}
