/**
 * A cohort still being prepared (use case cohort-drafts): the clerk removes apprentices or adds
 * more — checked in the browser against the cohort, then sent all at once.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type FieldError } from '../../api.ts';
import { useApp } from '../../context.ts';
import { type MessageKey, useI18n } from '../../i18n.ts';
import { cellOfPath, emptyRow, type RosterRow, toApprenticeInput } from '../../roster/model.ts';
import { useLeaveGuard } from '../../router.tsx';
import { ErrorAlert, ErrorSummary, type Problem, Progress } from '../../ui.tsx';
import { type PinnedCellError, pinServerErrors, unpinServerErrors, useChecks } from '../checks.ts';
import { ApprenticeTable, type CohortView } from '../cohort-parts.tsx';
import { isRosterPath, RosterEditor, rosterErrors } from '../roster-editor.tsx';
import type { OnChanged } from './case.tsx';

export function RemovableApprentices(props: { cohort: CohortView; onChanged: OnChanged }) {
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
export function AddApprentices(props: { cohort: CohortView; onChanged: OnChanged }) {
  const { t, m } = useI18n();
  const { api } = useApp();
  const checks = useChecks();
  const [open, setOpen] = useState(false);
  const [tries, setTries] = useState(0);
  const [rows, setRows] = useState<RosterRow[]>([]);
  const [attempted, setAttempted] = useState(false);
  const [pinned, setPinned] = useState<PinnedCellError[]>([]);
  const [other, setOther] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState<number>();
  const [failure, setFailure] = useState<unknown>();
  const mentorKeys = props.cohort.enterpriseMentors.map((mentor) => mentor.key);
  // Rows typed or uploaded and not yet saved: leaving asks first.
  useLeaveGuard(
    open && rows.some((row) => row.name.trim() || row.idNumber.trim() || row.phone.trim()),
    t('leave.confirm'),
  );
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
    if (!checks) return;
    if (clientErrors.length > 0) {
      setTries((value) => value + 1);
      return;
    }
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
      setTries((value) => value + 1);
    } finally {
      setSaving(undefined);
    }
  };
  // The summary beside the save button: each cell's problem, numbered as the rows are shown.
  const offset = props.cohort.apprentices.length;
  const problems: Problem[] = attempted
    ? [...errors, ...other].map((error) => {
        const cell = cellOfPath(error.path);
        const row = cell ? rows[cell.row] : undefined;
        if (!cell || !row) return { text: m(error) };
        const column = cell.field ? ` ${t(`col.${cell.field}` as MessageKey)}` : '';
        return {
          text: t('error.field', {
            field: `${t('common.row', { n: offset + cell.row + 1 })}${column}`,
            message: m(error),
          }),
          target: cell.field ? `cell-${row.key}-${cell.field}` : undefined,
        };
      })
    : [];

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
      <RosterEditor
        rows={rows}
        onChange={setRows}
        errors={rosterErrors(errors)}
        showEmptyRowErrors={attempted}
        mentorKeys={mentorKeys}
        offset={offset}
      />
      <ErrorSummary attempt={tries} problems={problems} error={failure} />
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
