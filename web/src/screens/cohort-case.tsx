/**
 * One cohort, for every party that may see it: where it stands, its facts, its apprentices, its
 * history, and what the person may do now — the clerk edits, adds or removes apprentices,
 * submits or withdraws; the signatory decides; the school and the bureau go to their screens.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type FieldError } from '../api.ts';
import { useApp } from '../context.ts';
import { formatDate, formatFen, todayInChina } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { emptyRow, type RosterRow, toApprenticeInput } from '../roster/model.ts';
import { Link } from '../router.tsx';
import {
  Alert,
  Dialog,
  ErrorAlert,
  PageHeader,
  Progress,
  StatusBadge,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { type PinnedCellError, pinServerErrors, takeFlash, unpinServerErrors, useChecks } from './checks.ts';
import {
  ApprenticeTable,
  CaseNotices,
  type CohortApprentice,
  CohortFacts,
  type CohortView,
  cohortTitle,
  StageSteps,
  Timeline,
} from './cohort-parts.tsx';
import { DecisionPanel } from './decision.tsx';
import { isRosterPath, RosterEditor, rosterErrors } from './roster-editor.tsx';

const EDITABLE = ['DRAFT', 'RETURNED'];
const WITHDRAWABLE = ['DRAFT', 'RETURNED', 'COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW'];
const REVIEWS = ['COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW'];

export function CohortCase(props: { cohortId: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [flash, setFlashState] = useState<string | undefined>(takeFlash);
  const cohort = useLoad(() => api.get<CohortView>(`/cohorts/${props.cohortId}`), [props.cohortId]);
  useFocusHeading(cohort.data?.cohortId);
  if (cohort.error) {
    return (
      <section data-testid="case-unavailable">
        <ErrorAlert error={cohort.error} />
        <Link href="/app/cohorts">{t('common.back')}</Link>
      </section>
    );
  }
  if (!cohort.data) return <Progress label={t('app.loading')} />;
  return (
    <CaseView
      cohort={cohort.data}
      flash={flash}
      onChanged={(message) => {
        setFlashState(message);
        cohort.reload();
      }}
    />
  );
}

function CaseView(props: {
  cohort: CohortView;
  flash: string | undefined;
  onChanged: (message?: string) => void;
}) {
  const { t } = useI18n();
  const { session } = useApp();
  const { cohort } = props;
  const clerk = session.role === 'enterprise.clerk';
  return (
    <section data-testid="cohort-case" data-status={cohort.status}>
      <PageHeader title={cohortTitle(t, cohort)} subtitle={<code>{cohort.cohortId}</code>}>
        <StatusBadge status={cohort.status} />
      </PageHeader>
      <StageSteps status={cohort.status} />
      {props.flash ? <Alert kind="success">{props.flash}</Alert> : null}
      <CaseNotices cohort={cohort} />
      <Actions cohort={cohort} onChanged={props.onChanged} />
      <div class="case-columns">
        <div>
          <h2>{t('case.summaryTitle')}</h2>
          <CohortFacts cohort={cohort} />
        </div>
      </div>
      <h2>{t('case.apprentices', { n: cohort.apprentices.length })}</h2>
      <p class="hint">{t('case.masked')}</p>
      {clerk && EDITABLE.includes(cohort.status) ? (
        <>
          <RemovableApprentices cohort={cohort} onChanged={props.onChanged} />
          <AddApprentices cohort={cohort} onChanged={props.onChanged} />
        </>
      ) : clerk && cohort.status === 'FILED' ? (
        <WithdrawableApprentices cohort={cohort} onChanged={props.onChanged} />
      ) : cohort.status === 'FILED' &&
        (session.role === 'enterprise.signatory' || session.role === 'school.registrar') ? (
        <MentorChange
          cohort={cohort}
          side={session.role === 'school.registrar' ? 'school' : 'enterprise'}
          onChanged={props.onChanged}
        />
      ) : (
        <ApprenticeTable cohort={cohort} />
      )}
      {cohort.status === 'FILED' || cohort.status === 'COMPLETED' ? <CohortClaims cohort={cohort} /> : null}
      <Timeline
        cohortId={cohort.cohortId}
        refreshKey={cohort.version}
        names={new Map(cohort.apprentices.map((apprentice) => [apprentice.apprenticeId, apprentice.name]))}
      />
    </section>
  );
}

function Actions(props: { cohort: CohortView; onChanged: (message?: string) => void }) {
  const { t } = useI18n();
  const { session } = useApp();
  const { cohort } = props;
  const role = session.role;
  const task = cohort.currentTask;
  const content = (() => {
    if (role === 'enterprise.clerk' && WITHDRAWABLE.includes(cohort.status)) {
      return <ClerkActions cohort={cohort} onChanged={props.onChanged} />;
    }
    if (role === 'enterprise.signatory' && cohort.status === 'COMPANY_REVIEW' && task) {
      return (
        <DecisionPanel
          task={cohort.currentTask}
          onDecided={(outcome) => props.onChanged(t(`decision.done.${outcome}`))}
        />
      );
    }
    if (role === 'school.registrar' && cohort.status === 'SCHOOL_REVIEW' && task) {
      return (
        <Link class="button button-primary" href={`/app/cohorts/${cohort.cohortId}/enrolment`}>
          {t('case.openEnrolment')}
        </Link>
      );
    }
    if ((role === 'enterprise.clerk' || role === 'school.registrar') && cohort.status === 'FILED') {
      return (
        <div class="action-row">
          <Link class="button button-secondary" href={`/app/cohorts/${cohort.cohortId}/outcomes`}>
            {t('outcome.open')}
          </Link>
          {role === 'enterprise.clerk' ? <p class="hint">{t('case.filedClerkHint')}</p> : null}
        </div>
      );
    }
    if (role === 'bureau.reviewer' && cohort.status === 'BUREAU_REVIEW' && task) {
      return (
        <Link class="button button-primary" href={`/app/cohorts/${cohort.cohortId}/review`}>
          {t('case.openReview')}
        </Link>
      );
    }
    return null;
  })();
  return (
    <section class="actions-panel" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('case.actions')}</h2>
      {content ?? (
        <p>
          {REVIEWS.includes(cohort.status)
            ? t('case.waitingFor', { stage: t(`stage.${cohort.status}` as MessageKey) })
            : t('case.noActions')}
        </p>
      )}
    </section>
  );
}

function ClerkActions(props: { cohort: CohortView; onChanged: (message?: string) => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const { cohort } = props;
  const [dialog, setDialog] = useState<'submit' | 'withdraw'>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const editable = EDITABLE.includes(cohort.status);

  const run = async (action: 'submit' | 'withdraw') => {
    setBusy(true);
    setFailure(undefined);
    try {
      if (action === 'submit') await api.post(`/cohorts/${cohort.cohortId}/submit`);
      else
        await api.post(`/cohorts/${cohort.cohortId}/withdraw`, {
          body: reason.trim() ? { reason: reason.trim() } : {},
        });
      setDialog(undefined);
      props.onChanged(action === 'submit' ? t('case.submitted') : t('case.withdrawn'));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="action-row">
      {failure && !dialog ? <ErrorAlert error={failure} /> : null}
      {editable ? (
        <>
          <button
            type="button"
            class="button-primary"
            onClick={() => setDialog('submit')}
            data-testid="submit-cohort"
          >
            {t('case.submit')}
          </button>
          <Link class="button button-secondary" href={`/app/cohorts/${cohort.cohortId}/edit`}>
            {t('case.edit')}
          </Link>
        </>
      ) : null}
      <button type="button" class="button-danger" onClick={() => setDialog('withdraw')}>
        {t('case.withdraw')}
      </button>
      <Dialog
        open={dialog !== undefined}
        title={dialog === 'withdraw' ? t('case.withdraw') : t('case.submit')}
        onClose={() => setDialog(undefined)}
      >
        {failure ? <ErrorAlert error={failure} /> : null}
        {dialog === 'withdraw' ? (
          <>
            <p>{t('case.withdrawConfirm')}</p>
            <div class="field">
              <label for="withdraw-reason">{t('case.withdrawReason')}</label>
              <textarea
                id="withdraw-reason"
                rows={3}
                maxLength={500}
                value={reason}
                onInput={(event) => setReason(event.currentTarget.value)}
              />
            </div>
          </>
        ) : (
          <p>{t('case.submitConfirm', { n: cohort.apprentices.length })}</p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button-secondary" onClick={() => setDialog(undefined)}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            class={dialog === 'withdraw' ? 'button-danger' : 'button-primary'}
            disabled={busy}
            data-testid="confirm-dialog"
            onClick={() => void run(dialog ?? 'submit')}
          >
            {busy ? t('decision.sending') : t('common.confirm')}
          </button>
        </div>
      </Dialog>
    </div>
  );
}

function RemovableApprentices(props: { cohort: CohortView; onChanged: (message?: string) => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const remove = async (apprenticeId: string, name: string) => {
    setBusy(apprenticeId);
    setFailure(undefined);
    try {
      await api.delete(`/cohorts/${props.cohort.cohortId}/apprentices/${apprenticeId}`);
      props.onChanged(t('case.removed', { name }));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <>
      {failure ? <ErrorAlert error={failure} /> : null}
      <ApprenticeTable
        cohort={props.cohort}
        extra={{
          header: t('col.actions'),
          cell: (apprentice) => (
            <button
              type="button"
              class="button-ghost small"
              disabled={busy !== undefined}
              aria-label={t('case.removeApprentice', { name: apprentice.name })}
              onClick={() => void remove(apprentice.apprenticeId, apprentice.name)}
            >
              {t('common.remove')}
            </button>
          ),
        }}
      />
    </>
  );
}

/** More rows for a DRAFT or RETURNED cohort: checked in the browser against the cohort, then sent all at once. */
function AddApprentices(props: { cohort: CohortView; onChanged: (message?: string) => void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const checks = useChecks();
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<RosterRow[]>([]);
  const [attempted, setAttempted] = useState(false);
  const [pinned, setPinned] = useState<PinnedCellError[]>([]);
  const [other, setOther] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState<number>();
  const [failure, setFailure] = useState<unknown>();
  const mentorKeys = props.cohort.enterpriseMentors.map((mentor) => mentor.key);
  useEffect(() => {
    if (open && rows.length === 0) setRows([emptyRow(mentorKeys[0] ?? '')]);
  }, [open, rows.length, mentorKeys]);
  const inputs = useMemo(() => rows.map(toApprenticeInput), [rows]);
  const clientErrors = useMemo(
    () => (checks ? checks.validator.checkAddedRows(inputs, props.cohort, checks.context) : []),
    [checks, inputs, props.cohort],
  );
  const errors = [...clientErrors, ...unpinServerErrors(pinned, rows)];

  const save = async () => {
    setAttempted(true);
    setFailure(undefined);
    if (!checks || clientErrors.length > 0) return;
    setSaving(0);
    try {
      await api.post(`/cohorts/${props.cohort.cohortId}/apprentices`, {
        body: inputs,
        onUploadProgress: setSaving,
      });
      setRows([]);
      setOpen(false);
      props.onChanged(t('case.added', { n: inputs.length }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.errors.length) {
        const split = pinServerErrors(error.errors, rows);
        setPinned(split.pinned);
        setOther(split.other.filter((entry) => !isRosterPath(entry.path)));
      } else setFailure(error);
    } finally {
      setSaving(undefined);
    }
  };

  if (!open) {
    return (
      <button type="button" class="button-secondary" onClick={() => setOpen(true)}>
        {t('case.addApprentices')}
      </button>
    );
  }
  return (
    <section class="form-section" aria-label={t('case.addApprentices')}>
      <h3>{t('case.addApprentices')}</h3>
      {failure ? <ErrorAlert error={failure} /> : null}
      {other.length ? <ErrorAlert error={new ApiError(400, '', '', other)} /> : null}
      <RosterEditor
        rows={rows}
        onChange={setRows}
        errors={rosterErrors(errors)}
        showEmptyRowErrors={attempted}
        mentorKeys={mentorKeys}
        offset={props.cohort.apprentices.length}
      />
      <div class="form-actions">
        {saving !== undefined ? <Progress label={t('roster.saving')} value={saving} /> : null}
        <button type="button" class="button-secondary" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          class="button-primary"
          disabled={!checks || saving !== undefined}
          onClick={() => void save()}
        >
          {t('case.saveApprentices')}
        </button>
      </div>
    </section>
  );
}

const WITHDRAWAL_REASONS = ['resigned', 'dismissed', 'transferred_out', 'other'] as const;

/** A FILED cohort: the clerk records that an apprentice left (date and reason), one audited change. */
function WithdrawableApprentices(props: { cohort: CohortView; onChanged: (message?: string) => void }) {
  const { t, m } = useI18n();
  const { api, systemNow } = useApp();
  const [leaving, setLeaving] = useState<CohortApprentice>();
  const [date, setDate] = useState('');
  const [reason, setReason] = useState<(typeof WITHDRAWAL_REASONS)[number]>('resigned');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const open = (apprentice: CohortApprentice) => {
    setLeaving(apprentice);
    setError(undefined);
    setFailure(undefined);
    setNote('');
    systemNow().then((now) => setDate(todayInChina(now)));
  };
  const save = async () => {
    if (!leaving) return;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      setError(t('outcome.dateRequired'));
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await api.post(`/cohorts/${props.cohort.cohortId}/apprentices/${leaving.apprenticeId}/withdrawal`, {
        body: { date, reason, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      setLeaving(undefined);
      props.onChanged(t('withdrawal.done', { name: leaving.name }));
    } catch (caught) {
      if (caught instanceof ApiError && caught.errors.length)
        setError(caught.errors.map((entry) => m(entry.message)).join('；'));
      else setFailure(caught);
    } finally {
      setBusy(false);
    }
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
      <Dialog
        open={leaving !== undefined}
        title={t('withdrawal.title', { name: leaving?.name ?? '' })}
        onClose={() => setLeaving(undefined)}
      >
        {failure ? <ErrorAlert error={failure} /> : null}
        <div class={`field ${error ? 'field-invalid' : ''}`}>
          <label for="withdrawal-date">{t('withdrawal.date')}</label>
          <input
            id="withdrawal-date"
            type="date"
            value={date}
            min={props.cohort.startDate}
            aria-invalid={Boolean(error)}
            onInput={(event) => {
              setError(undefined);
              setDate(event.currentTarget.value);
            }}
          />
          {error ? <small class="error-text">{error}</small> : null}
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
        <div class="dialog-actions">
          <button type="button" class="button-secondary" onClick={() => setLeaving(undefined)}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            class="button-danger"
            disabled={busy}
            data-testid="confirm-dialog"
            onClick={() => void save()}
          >
            {busy ? t('decision.sending') : t('common.confirm')}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/** The cohort's subsidy: its ledger, its claims, and (for the clerk) the claims it may prepare now. */
function CohortClaims(props: { cohort: CohortView }) {
  const { t, lang } = useI18n();
  const { session, features, systemNow } = useApp();
  const { cohort } = props;
  const [today, setToday] = useState<string>();
  useEffect(() => {
    systemNow().then((now) => setToday(todayInChina(now)));
  }, [systemNow]);
  if (!features.claims) return null;
  const ledger = cohort.ledger ?? { advancePaidFen: 0, finalPaidFen: 0, recoveryOwedFen: 0, claims: [] };
  const active = ledger.claims.filter((claim) => !['REJECTED', 'WITHDRAWN'].includes(claim.status));
  const hasAdvance = active.some((claim) => claim.kind === 'advance');
  const hasFinal = active.some((claim) => claim.kind === 'final');
  const missing = cohort.apprentices.filter((apprentice) =>
    ['enrolled', 'completed'].includes(apprentice.status),
  ).length;
  const ended = today !== undefined && today > cohort.endDate;
  const advanceOpen = active.some((claim) => claim.kind === 'advance' && claim.status !== 'PAID');
  const finalBlocked = !ended
    ? t('case.finalAfter', { date: formatDate(cohort.endDate, lang) })
    : missing > 0
      ? t('claim.outcomesMissing', { n: missing })
      : advanceOpen
        ? t('case.finalAfterAdvance')
        : undefined;
  return (
    <section aria-labelledby="claims-title" data-testid="cohort-claims">
      <h2 id="claims-title">{t('case.claims')}</h2>
      <dl class="facts">
        <dt>{t('case.advancePaid')}</dt>
        <dd data-testid="ledger-advance">{formatFen(ledger.advancePaidFen)}</dd>
        <dt>{t('case.finalPaid')}</dt>
        <dd data-testid="ledger-final">{formatFen(ledger.finalPaidFen)}</dd>
        <dt>{t('claim.recovery')}</dt>
        <dd>{formatFen(ledger.recoveryOwedFen)}</dd>
      </dl>
      {ledger.claims.length ? (
        <ul class="plain">
          {ledger.claims.map((claim) => (
            <li key={claim.claimId}>
              <Link href={`/app/claims/${claim.claimId}`}>
                {t(`claimKind.${claim.kind}` as MessageKey)} <code>{claim.claimId}</code>
              </Link>{' '}
              <StatusBadge status={claim.status} />
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('case.noClaims')}</p>
      )}
      {session.role === 'enterprise.clerk' ? (
        <div class="action-row">
          {!hasAdvance && !hasFinal ? (
            <Link
              class="button button-primary"
              href={`/app/cohorts/${cohort.cohortId}/claims/new?kind=advance`}
              data-testid="new-advance"
            >
              {t('case.claimAdvance')}
            </Link>
          ) : null}
          {!hasFinal ? (
            finalBlocked ? (
              <span class="hint">{finalBlocked}</span>
            ) : (
              <Link
                class="button button-primary"
                href={`/app/cohorts/${cohort.cohortId}/claims/new?kind=final`}
                data-testid="new-final"
              >
                {t('case.claimFinal')}
              </Link>
            )
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

interface NewMentor {
  key: string;
  name: string;
  number: string;
  skillLevel: string;
}

/**
 * A FILED cohort: a mentor is replaced for one apprentice — the school's by the registrar, the
 * enterprise's by the signatory (domain.md) — with one already in the cohort or a new one, and a
 * reason; the API checks the mentor's load across active cohorts.
 */
function MentorChange(props: {
  cohort: CohortView;
  side: 'enterprise' | 'school';
  onChanged: (message?: string) => void;
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
  const [errors, setErrors] = useState<Map<string, string[]>>(new Map());
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
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
    setFailure(undefined);
  };
  const save = async () => {
    if (!target) return;
    const found = new Map<string, string[]>();
    if (!reason.trim()) found.set('reason', [t('mentor.reasonRequired')]);
    if (choice === 'new' && (!added.key.trim() || !added.name.trim() || !added.number.trim()))
      found.set('new', [t('mentor.newRequired')]);
    setErrors(found);
    if (found.size) return;
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
    setBusy(true);
    setFailure(undefined);
    try {
      await api.put(`/cohorts/${cohort.cohortId}/apprentices/${target.apprenticeId}/mentors`, { body });
      setTarget(undefined);
      props.onChanged(t('mentor.done', { name: target.name }));
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 400 && caught.errors.length) {
        const byPath = new Map<string, string[]>();
        for (const entry of caught.errors) {
          const path =
            entry.path === 'reason' ? 'reason' : entry.path.endsWith('MentorKey') ? 'choice' : 'new';
          byPath.set(path, [...(byPath.get(path) ?? []), m(entry.message)]);
        }
        setErrors(byPath);
      } else setFailure(caught);
    } finally {
      setBusy(false);
    }
  };
  const errorOf = (path: string) =>
    errors.get(path) ? <small class="error-text">{errors.get(path)!.join('；')}</small> : null;
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
      <Dialog
        open={target !== undefined}
        title={t('mentor.title', {
          name: target?.name ?? '',
          side: side === 'school' ? t('case.schoolMentors') : t('case.mentors'),
        })}
        onClose={() => setTarget(undefined)}
      >
        {failure ? <ErrorAlert error={failure} /> : null}
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
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          {errorOf('reason')}
        </div>
        <div class="dialog-actions">
          <button type="button" class="button-secondary" onClick={() => setTarget(undefined)}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            class="button-primary"
            disabled={busy}
            data-testid="confirm-dialog"
            onClick={() => void save()}
          >
            {busy ? t('decision.sending') : t('common.confirm')}
          </button>
        </div>
      </Dialog>
    </>
  );
}
