/**
 * Creating a cohort (fields, enterprise mentors, roster) and editing a DRAFT or RETURNED one.
 * Nothing is sent while the browser's own check (the shared schemas and rules) finds a problem;
 * what only the server can judge comes back as problem+json and lands on the same fields and cells.
 */

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isRealDate, monthsInPeriod } from '../../../shared/domain/dates.ts';
import { ApiError, type FieldError } from '../api.ts';
import { type Occupation, type Organisation, type Policy, useApp } from '../context.ts';
import type { CodedField } from '../error-words.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { addImportedMentors, type ImportedMentor } from '../roster/mentors.ts';
import { cellOfPath, newRowKey, type RosterRow, toApprenticeInput } from '../roster/model.ts';
import { navigate, useLeaveGuard } from '../router.tsx';
import {
  Alert,
  ErrorAlert,
  ErrorSummary,
  Field,
  LoadBar,
  loadLabel,
  PageHeader,
  type Problem,
  Progress,
  ScrollRegion,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { type PinnedCellError, pinServerErrors, setFlash, unpinServerErrors, useChecks } from './checks.ts';
import { CaseNotices, type CohortView, cohortTitle } from './cohort-parts.tsx';
import { MentorFileImport } from './mentor-file.tsx';
import { MentorPicker } from './mentor-picker.tsx';
import { useMentorRegister } from './mentor-register.ts';
import { isRosterPath, RosterEditor, rosterErrors } from './roster-editor.tsx';

interface MentorRow {
  rowKey: string;
  key: string;
  name: string;
  employeeNo: string;
  skillLevel: string;
}

interface CohortFieldsState {
  schoolId: string;
  occupationCode: string;
  targetLevel: string;
  startDate: string;
  endDate: string;
  trainingJustification: string;
  totalHours: string;
  concentratedHours: string;
  schoolAgreementNo: string;
  apprenticeAgreementNo: string;
  mentors: MentorRow[];
}

let mentorCounter = 0;
const mentorRow = (key: string, values: Partial<MentorRow> = {}): MentorRow => ({
  rowKey: `mentor-${++mentorCounter}`,
  key,
  name: '',
  employeeNo: '',
  skillLevel: '3',
  ...values,
});

const toNumber = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text.trim()));
/** An empty field is left out, so the schema says "is required" rather than judging an empty text. */
const filled = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

/** The cohort's own fields as the API takes them (`POST /cohorts` without `apprentices`). */
function fieldsBody(state: CohortFieldsState) {
  return {
    schoolId: filled(state.schoolId),
    occupationCode: filled(state.occupationCode),
    targetLevel: toNumber(state.targetLevel),
    startDate: filled(state.startDate),
    endDate: filled(state.endDate),
    trainingJustification: filled(state.trainingJustification),
    plannedHours: { total: toNumber(state.totalHours), concentrated: toNumber(state.concentratedHours) },
    agreements: {
      schoolAgreementNo: filled(state.schoolAgreementNo),
      apprenticeAgreementNo: filled(state.apprenticeAgreementNo),
    },
    enterpriseMentors: state.mentors.map((mentor) => ({
      key: filled(mentor.key),
      name: filled(mentor.name),
      employeeNo: filled(mentor.employeeNo),
      skillLevel: toNumber(mentor.skillLevel),
    })),
  };
}

/** Apprentices per mentor key. */
function assignedIn(keys: readonly (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) if (key?.trim()) counts.set(key.trim(), (counts.get(key.trim()) ?? 0) + 1);
  return counts;
}

function errorMap(errors: readonly FieldError[]): Map<string, CodedField[]> {
  const map = new Map<string, CodedField[]>();
  for (const error of errors) map.set(error.path, [...(map.get(error.path) ?? []), error]);
  return map;
}

/** Reuses the Idempotency-Key while the same body is sent again (a retry after no answer). */
function useIdempotency() {
  const last = useRef<{ body: string; key: string } | undefined>(undefined);
  return {
    keyFor(body: unknown): string {
      const text = JSON.stringify(body);
      if (last.current?.body !== text) last.current = { body: text, key: crypto.randomUUID() };
      return last.current.key;
    },
    done() {
      last.current = undefined;
    },
  };
}

function CohortFieldsEditor(props: {
  state: CohortFieldsState;
  onChange: (state: CohortFieldsState) => void;
  errors: Map<string, CodedField[]>;
  visible: (path: string) => boolean;
  touch: (path: string) => void;
  schools: Organisation[];
  occupations: Occupation[];
  policy: Policy | undefined;
  /** The cohort being edited: its own mentors do not count in the register's loads. */
  cohortId?: string;
  /** Apprentices the form gives each mentor key (the roster, or the cohort being edited). */
  assigned: ReadonlyMap<string, number>;
}) {
  const { t, m } = useI18n();
  const { state, policy } = props;
  // The enterprise's mentors from its other cohorts, with the apprentices they take there.
  const register = useMentorRegister('enterprise', props.cohortId);
  const [pick, setPick] = useState('');
  const pickable = (register.data ?? []).filter(
    (known) => !state.mentors.some((mentor) => mentor.employeeNo.trim() === known.number),
  );
  const addKnown = () => {
    const known = pickable.find((mentor) => mentor.number === pick) ?? pickable[0];
    if (!known) return;
    const values = { name: known.name, employeeNo: known.number, skillLevel: String(known.skillLevel ?? 3) };
    const empty = state.mentors.findIndex((mentor) => !mentor.name.trim() && !mentor.employeeNo.trim());
    if (empty >= 0) {
      set({
        mentors: state.mentors.map((mentor, index) => (index === empty ? { ...mentor, ...values } : mentor)),
      });
    } else {
      const used = new Set(state.mentors.map((mentor) => mentor.key));
      let n = state.mentors.length + 1;
      while (used.has(`m${n}`)) n++;
      set({ mentors: [...state.mentors, mentorRow(`m${n}`, values)] });
    }
    setPick('');
  };
  const importMentors = (imported: ImportedMentor[]) => {
    const merged = addImportedMentors(state.mentors, imported, {
      numberOf: (row) => row.employeeNo,
      make: (key, mentor) =>
        mentorRow(key, {
          name: mentor.name,
          employeeNo: mentor.number,
          skillLevel: mentor.skillLevel ?? '3',
        }),
      fill: (row, mentor) => ({
        ...row,
        name: mentor.name,
        employeeNo: mentor.number,
        skillLevel: mentor.skillLevel ?? '3',
      }),
      keyPrefix: 'm',
    });
    set({ mentors: merged.rows });
    return merged;
  };
  const max = policy?.mentorMaxApprentices ?? 8;
  const elsewhereOf = (employeeNo: string) =>
    register.data?.find((known) => known.number === employeeNo.trim())?.load ?? 0;
  const set = (patch: Partial<CohortFieldsState>) => props.onChange({ ...state, ...patch });
  const errorsOf = (path: string) => (props.visible(path) ? props.errors.get(path) : undefined);
  const months =
    isRealDate(state.startDate) && isRealDate(state.endDate) && state.endDate > state.startDate
      ? monthsInPeriod(state.startDate, state.endDate)
      : undefined;
  const needsJustification =
    (policy && months !== undefined && months > policy.trainingMonths.max) ||
    state.trainingJustification !== '';
  const text = (
    path: string,
    label: string,
    value: string,
    onValue: (value: string) => void,
    extra: { type?: 'date'; inputMode?: 'numeric'; hint?: string | undefined } = {},
  ) => (
    <Field id={`f-${path}`} label={label} errors={errorsOf(path)} hint={extra.hint}>
      {(aria) =>
        extra.type === 'date' ? (
          <input
            {...aria}
            type="date"
            value={value}
            onInput={(event) => onValue(event.currentTarget.value)}
            onBlur={() => props.touch(path)}
          />
        ) : (
          <input
            {...aria}
            type="text"
            inputMode={extra.inputMode}
            value={value}
            onInput={(event) => onValue(event.currentTarget.value)}
            onBlur={() => props.touch(path)}
          />
        )
      }
    </Field>
  );

  return (
    <>
      <fieldset class="form-section">
        <legend>{t('form.basic')}</legend>
        <div class="form-grid">
          <Field id="f-schoolId" label={t('form.school')} errors={errorsOf('schoolId')}>
            {(aria) => (
              <select
                {...aria}
                value={state.schoolId}
                onChange={(event) => set({ schoolId: event.currentTarget.value })}
                onBlur={() => props.touch('schoolId')}
              >
                <option value="">{t('common.select')}</option>
                {props.schools.map((school) => (
                  <option key={school.orgId} value={school.orgId}>
                    {school.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="f-occupationCode" label={t('form.occupation')} errors={errorsOf('occupationCode')}>
            {(aria) => (
              <select
                {...aria}
                value={state.occupationCode}
                onChange={(event) => set({ occupationCode: event.currentTarget.value })}
                onBlur={() => props.touch('occupationCode')}
              >
                <option value="">{t('common.select')}</option>
                {props.occupations.map((occupation) => (
                  <option key={occupation.code} value={occupation.code}>
                    {occupation.code} {occupation.name}
                    {occupation.shortage ? t('common.paren', { text: t('form.shortage') }) : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="f-targetLevel" label={t('form.targetLevel')} errors={errorsOf('targetLevel')}>
            {(aria) => (
              <select
                {...aria}
                value={state.targetLevel}
                onChange={(event) => set({ targetLevel: event.currentTarget.value })}
              >
                {['4', '3', '2', '1'].map((level) => (
                  <option key={level} value={level}>
                    {t(`level.${level}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {text('startDate', t('form.startDate'), state.startDate, (value) => set({ startDate: value }), {
            type: 'date',
          })}
          {text('endDate', t('form.endDate'), state.endDate, (value) => set({ endDate: value }), {
            type: 'date',
            hint: months !== undefined ? t('form.period', { n: months }) : undefined,
          })}
          {text(
            'plannedHours.total',
            t('form.totalHours'),
            state.totalHours,
            (value) => set({ totalHours: value }),
            {
              inputMode: 'numeric',
              hint: policy
                ? t('form.hoursHint', {
                    total: policy.minPlannedHoursPerYear,
                    concentrated: policy.minConcentratedHoursPerYear,
                  })
                : undefined,
            },
          )}
          {text(
            'plannedHours.concentrated',
            t('form.concentratedHours'),
            state.concentratedHours,
            (value) => set({ concentratedHours: value }),
            {
              inputMode: 'numeric',
            },
          )}
          {text(
            'agreements.schoolAgreementNo',
            t('form.schoolAgreementNo'),
            state.schoolAgreementNo,
            (value) => set({ schoolAgreementNo: value }),
          )}
          {text(
            'agreements.apprenticeAgreementNo',
            t('form.apprenticeAgreementNo'),
            state.apprenticeAgreementNo,
            (value) => set({ apprenticeAgreementNo: value }),
          )}
        </div>
        {needsJustification ? (
          <Field
            id="f-trainingJustification"
            label={t('form.justification', { max: policy?.trainingMonths.max ?? 24 })}
            errors={errorsOf('trainingJustification')}
          >
            {(aria) => (
              <textarea
                {...aria}
                rows={3}
                value={state.trainingJustification}
                onInput={(event) => set({ trainingJustification: event.currentTarget.value })}
              />
            )}
          </Field>
        ) : null}
      </fieldset>

      <fieldset class="form-section">
        <legend>{t('form.mentors')}</legend>
        {policy ? (
          <p class="hint">
            {t('form.mentorsHint', {
              level: t(`level.${policy.minMentorSkillLevel}` as MessageKey),
              max: policy.mentorMaxApprentices,
            })}
          </p>
        ) : null}
        <MentorPicker
          id="enterprise-mentor-pick"
          mentors={pickable}
          pick={pick}
          onPick={setPick}
          onAdd={addKnown}
        />
        <MentorFileImport id="enterprise-mentor-file" side="enterprise" onImport={importMentors} />
        {errorsOf('enterpriseMentors') ? (
          <Alert kind="error">{errorsOf('enterpriseMentors')!.map(m).join(punct().semi)}</Alert>
        ) : null}
        <ScrollRegion label={t('form.mentors')}>
          <table class="grid" data-testid="mentor-grid">
            <thead>
              <tr>
                <th scope="col">{t('form.mentorKey')}</th>
                <th scope="col">{t('form.mentorName')}</th>
                <th scope="col">{t('form.employeeNo')}</th>
                <th scope="col">{t('form.skillLevel')}</th>
                <th scope="col">{t('enrol.loadTitle')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.mentors.map((mentor, index) => {
                const setMentor = (patch: Partial<MentorRow>) =>
                  set({ mentors: state.mentors.map((row, i) => (i === index ? { ...row, ...patch } : row)) });
                const cell = (field: 'key' | 'name' | 'employeeNo', label: string) => {
                  const path = `enterpriseMentors.${index}.${field}`;
                  const errors = errorsOf(path);
                  return (
                    <td>
                      <input
                        id={`f-${path}`}
                        aria-label={`${mentor.key} ${label}`}
                        aria-invalid={Boolean(errors)}
                        aria-describedby={errors ? `f-${path}-error` : undefined}
                        class={errors ? 'invalid' : ''}
                        value={mentor[field]}
                        onInput={(event) => setMentor({ [field]: event.currentTarget.value })}
                        onBlur={() => props.touch(path)}
                      />
                      {errors ? (
                        <small class="error-text" id={`f-${path}-error`}>
                          {errors.map(m).join(punct().semi)}
                        </small>
                      ) : null}
                    </td>
                  );
                };
                const levelPath = `enterpriseMentors.${index}.skillLevel`;
                const elsewhere = elsewhereOf(mentor.employeeNo);
                const load = elsewhere + (props.assigned.get(mentor.key.trim()) ?? 0);
                return (
                  <tr key={mentor.rowKey}>
                    {cell('key', t('form.mentorKey'))}
                    {cell('name', t('form.mentorName'))}
                    {cell('employeeNo', t('form.employeeNo'))}
                    <td>
                      <select
                        id={`f-${levelPath}`}
                        aria-label={`${mentor.key} ${t('form.skillLevel')}`}
                        aria-invalid={Boolean(errorsOf(levelPath))}
                        aria-describedby={errorsOf(levelPath) ? `f-${levelPath}-error` : undefined}
                        value={mentor.skillLevel}
                        onChange={(event) => setMentor({ skillLevel: event.currentTarget.value })}
                      >
                        {['1', '2', '3', '4', '5'].map((level) => (
                          <option key={level} value={level}>
                            {t(`level.${level}` as MessageKey)}
                          </option>
                        ))}
                      </select>
                      {errorsOf(levelPath) ? (
                        <small class="error-text" id={`f-${levelPath}-error`}>
                          {errorsOf(levelPath)!.map(m).join(punct().semi)}
                        </small>
                      ) : null}
                    </td>
                    <td class={load > max ? 'overload' : ''}>
                      <LoadBar
                        testId={`mentor-load-${mentor.key}`}
                        n={load}
                        max={max}
                        label={loadLabel(t, load, max, elsewhere)}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        class="button-ghost small"
                        aria-label={t('form.removeMentor', { key: mentor.key })}
                        onClick={() => set({ mentors: state.mentors.filter((_, i) => i !== index) })}
                      >
                        {t('common.remove')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
        <button
          type="button"
          class="button-secondary"
          onClick={() => {
            const used = new Set(state.mentors.map((mentor) => mentor.key));
            let n = state.mentors.length + 1;
            while (used.has(`m${n}`)) n++;
            set({ mentors: [...state.mentors, mentorRow(`m${n}`)] });
          }}
        >
          {t('form.addMentor')}
        </button>
      </fieldset>
    </>
  );
}

const FIELD_LABELS: Record<string, MessageKey> = {
  schoolId: 'form.school',
  occupationCode: 'form.occupation',
  targetLevel: 'form.targetLevel',
  startDate: 'form.startDate',
  endDate: 'form.endDate',
  trainingJustification: 'case.justification',
  'plannedHours.total': 'form.totalHours',
  'plannedHours.concentrated': 'form.concentratedHours',
  'agreements.schoolAgreementNo': 'form.schoolAgreementNo',
  'agreements.apprenticeAgreementNo': 'form.apprenticeAgreementNo',
  enterpriseMentors: 'form.mentors',
  apprentices: 'form.roster',
};

/** Each problem in words, with the field or cell to go to (the summary next to the save button lists them). */
function useProblems(errors: readonly FieldError[], rows?: readonly RosterRow[]): Problem[] {
  const { t, m } = useI18n();
  const targetOf = (path: string): string => {
    const match = /^apprentices\.(\d+)\.(.+)$/.exec(path);
    if (match && rows?.[Number(match[1])]) {
      const field = match[2]!
        .replace('contract.startDate', 'contractStartDate')
        .replace('contract.endDate', 'contractEndDate');
      return `cell-${rows[Number(match[1])]!.key}-${field}`;
    }
    return `f-${path}`;
  };
  const label = (path: string) => {
    const cell = cellOfPath(path);
    if (cell) {
      const column = cell.field ? ` ${t(`col.${cell.field}` as MessageKey)}` : '';
      return `${t('common.row', { n: cell.row + 1 })}${column}`;
    }
    const mentor = /^enterpriseMentors\.(\d+)\.(\w+)$/.exec(path);
    if (mentor) {
      const column = {
        key: 'form.mentorKey',
        name: 'form.mentorName',
        employeeNo: 'form.employeeNo',
        skillLevel: 'form.skillLevel',
      }[mentor[2]!];
      return `${t('form.mentors')} ${t('common.row', { n: Number(mentor[1]) + 1 })}${column ? ` ${t(column as MessageKey)}` : ''}`;
    }
    const field = FIELD_LABELS[path];
    return field ? t(field) : path;
  };
  return errors.map((error) => ({
    text: error.path ? t('error.field', { field: label(error.path), message: m(error) }) : m(error),
    target: error.path ? targetOf(error.path) : undefined,
  }));
}

function useReferenceData() {
  const { organisations, occupations, policy } = useApp();
  const loaded = useLoad(() => Promise.all([occupations(), policy()]), []);
  const schools = useMemo(
    () => [...organisations.values()].filter((org) => org.kind === 'school'),
    [organisations],
  );
  return {
    schools,
    occupations: loaded.data?.[0] ?? [],
    policy: loaded.data?.[1],
    error: loaded.error,
    reload: loaded.reload,
  };
}

const EMPTY_STATE = (): CohortFieldsState => ({
  schoolId: '',
  occupationCode: '',
  targetLevel: '4',
  startDate: '',
  endDate: '',
  trainingJustification: '',
  totalHours: '',
  concentratedHours: '',
  schoolAgreementNo: '',
  apprenticeAgreementNo: '',
  mentors: [mentorRow('m1')],
});
const EMPTY_FIELDS = JSON.stringify(fieldsBody(EMPTY_STATE()));

/** The new cohort's draft, kept in this tab (sessionStorage: survives a reload, gone with the tab or at sign-out). */
const draftKey = (username: string) => `af.draft.cohort-new.${username}`;

interface Draft {
  state: CohortFieldsState;
  rows: RosterRow[];
}

function readDraft(username: string): Draft | undefined {
  try {
    const stored = sessionStorage.getItem(draftKey(username));
    if (!stored) return undefined;
    const draft = JSON.parse(stored) as Draft;
    // Row keys are counted afresh on each page load: give the restored rows new ones.
    return {
      state: {
        ...draft.state,
        mentors: draft.state.mentors.map(({ rowKey: _stale, ...mentor }) => mentorRow(mentor.key, mentor)),
      },
      rows: draft.rows.map((row) => ({ ...row, key: newRowKey() })),
    };
  } catch {
    return undefined;
  }
}

export function CohortNew() {
  const { t } = useI18n();
  const { api, session } = useApp();
  const reference = useReferenceData();
  const checks = useChecks();
  const idempotency = useIdempotency();
  const [restored] = useState(() => readDraft(session.username));
  const [state, setState] = useState<CohortFieldsState>(() => restored?.state ?? EMPTY_STATE());
  const [rows, setRows] = useState<RosterRow[]>(() => restored?.rows ?? []);
  const [draftNotice, setDraftNotice] = useState(restored !== undefined);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [pinned, setPinned] = useState<PinnedCellError[]>([]);
  const [serverFieldErrors, setServerFieldErrors] = useState<{ errors: FieldError[]; body: string }>();
  const [saving, setSaving] = useState<number | undefined>();
  const [failure, setFailure] = useState<unknown>();
  const [tries, setTries] = useState(0);
  useFocusHeading('new');

  const body = useMemo(
    () => ({ ...fieldsBody(state), apprentices: rows.map(toApprenticeInput) }),
    [state, rows],
  );
  const clientErrors = useMemo(
    () => (checks ? checks.validator.checkNewCohort(body as never, checks.context) : []),
    [checks, body],
  );
  const fieldsJson = JSON.stringify(fieldsBody(state));
  const dirty = rows.length > 0 || fieldsJson !== EMPTY_FIELDS;
  useLeaveGuard(dirty, t('leave.confirm'));
  // Every change is kept in the tab, so a reload or a lost session does not lose the roster.
  useEffect(() => {
    const key = draftKey(session.username);
    const timer = setTimeout(() => {
      try {
        if (dirty) sessionStorage.setItem(key, JSON.stringify({ state, rows }));
        else sessionStorage.removeItem(key);
      } catch {
        // storage full or disabled: the guard still asks before leaving
      }
    }, 300);
    return () => clearTimeout(timer);
  }, [state, rows, dirty, session.username]);
  const discardDraft = () => {
    sessionStorage.removeItem(draftKey(session.username));
    setState(EMPTY_STATE());
    setRows([]);
    setDraftNotice(false);
  };
  const allErrors = [
    ...clientErrors,
    ...unpinServerErrors(pinned, rows),
    ...(serverFieldErrors && serverFieldErrors.body === fieldsJson ? serverFieldErrors.errors : []),
  ];
  const fieldErrors = errorMap(allErrors.filter((error) => !isRosterPath(error.path)));
  const gridErrors = rosterErrors(allErrors.filter((error) => isRosterPath(error.path)));
  const mentorKeys = state.mentors.map((mentor) => mentor.key.trim()).filter(Boolean);

  const save = async () => {
    if (!checks) return;
    setFailure(undefined);
    setAttempted(true);
    if (clientErrors.length > 0) {
      // The summary beside the button takes the focus and the view.
      setTries((value) => value + 1);
      return;
    }
    setSaving(0);
    try {
      const created = await api.post<CohortView>('/cohorts', {
        body,
        idempotencyKey: idempotency.keyFor(body),
        onUploadProgress: setSaving,
      });
      idempotency.done();
      sessionStorage.removeItem(draftKey(session.username));
      setFlash(t('case.created'));
      navigate(`/app/cohorts/${created.cohortId}`, { leave: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.errors.length) {
        const split = pinServerErrors(error.errors, rows);
        setPinned(split.pinned);
        setServerFieldErrors({ errors: split.other, body: fieldsJson });
      } else setFailure(error);
      setTries((value) => value + 1);
    } finally {
      setSaving(undefined);
    }
  };
  const problems = useProblems(attempted ? allErrors : [], rows);

  return (
    <section>
      <PageHeader title={t('form.newTitle')} />
      {reference.error ? <ErrorAlert error={reference.error} onRetry={reference.reload} /> : null}
      {draftNotice ? (
        <Alert kind="info">
          <span data-testid="draft-restored">{t('draft.restored', { n: rows.length })}</span>{' '}
          <button type="button" class="button-ghost small" onClick={discardDraft}>
            {t('draft.discard')}
          </button>
        </Alert>
      ) : null}
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <CohortFieldsEditor
          state={state}
          onChange={setState}
          errors={fieldErrors}
          visible={(path) => attempted || touched.has(path)}
          touch={(path) => setTouched((previous) => new Set(previous).add(path))}
          schools={reference.schools}
          occupations={reference.occupations}
          policy={reference.policy}
          assigned={assignedIn(rows.map((row) => row.enterpriseMentorKey))}
        />
        <fieldset class="form-section">
          <legend>{t('form.roster')}</legend>
          <RosterEditor
            rows={rows}
            onChange={setRows}
            errors={gridErrors}
            showEmptyRowErrors={attempted}
            mentorKeys={mentorKeys}
          />
        </fieldset>
        <ErrorSummary
          id="problem-summary"
          attempt={tries}
          problems={problems}
          error={failure}
          title={problems.length ? t('form.problems', { n: problems.length }) : undefined}
        />
        <div class="form-actions">
          {saving !== undefined ? <Progress label={t('roster.saving')} value={saving} /> : null}
          <button
            type="submit"
            class="button-primary"
            disabled={!checks || saving !== undefined}
            data-testid="save-cohort"
          >
            {!checks ? t('form.checking') : saving !== undefined ? t('form.saving') : t('form.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function stateOf(cohort: CohortView): CohortFieldsState {
  return {
    schoolId: cohort.schoolId,
    occupationCode: cohort.occupationCode,
    targetLevel: String(cohort.targetLevel),
    startDate: cohort.startDate,
    endDate: cohort.endDate,
    trainingJustification: cohort.trainingJustification ?? '',
    totalHours: String(cohort.plannedHours.total),
    concentratedHours: String(cohort.plannedHours.concentrated),
    schoolAgreementNo: cohort.agreements.schoolAgreementNo,
    apprenticeAgreementNo: cohort.agreements.apprenticeAgreementNo,
    mentors: cohort.enterpriseMentors.map((mentor) =>
      mentorRow(mentor.key, {
        name: mentor.name,
        employeeNo: mentor.employeeNo,
        skillLevel: String(mentor.skillLevel),
      }),
    ),
  };
}

export function CohortEdit(props: { cohortId: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const cohort = useLoad(() => api.get<CohortView>(`/cohorts/${props.cohortId}`), [props.cohortId]);
  useFocusHeading(cohort.data?.cohortId);
  if (cohort.error) return <ErrorAlert error={cohort.error} onRetry={cohort.reload} />;
  if (!cohort.data) return <Progress label={t('app.loading')} />;
  if (!['DRAFT', 'RETURNED'].includes(cohort.data.status)) {
    return (
      <Alert kind="warning">
        {t('error.conflict', { detail: t(`status.${cohort.data.status}` as MessageKey) })}
      </Alert>
    );
  }
  return <CohortEditForm cohort={cohort.data} />;
}

function CohortEditForm(props: { cohort: CohortView }) {
  const { t } = useI18n();
  const { api } = useApp();
  const reference = useReferenceData();
  const checks = useChecks();
  const idempotency = useIdempotency();
  const original = useMemo(() => stateOf(props.cohort), [props.cohort]);
  const [state, setState] = useState<CohortFieldsState>(original);
  const [attempted, setAttempted] = useState(false);
  const [server, setServer] = useState<{ errors: FieldError[]; body: string }>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [tries, setTries] = useState(0);

  const changes = useMemo(() => {
    const before = fieldsBody(original) as Record<string, unknown>;
    const after = fieldsBody(state) as Record<string, unknown>;
    const changed: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = after[key] ?? null;
    }
    return changed;
  }, [original, state]);
  const patch = { ...changes, version: props.cohort.version };
  const patchJson = JSON.stringify(patch);
  useLeaveGuard(Object.keys(changes).length > 0 && !saving, t('leave.confirm'));
  const clientErrors = checks ? checks.validator.checkCohortEdit(patch, props.cohort, checks.context) : [];
  const allErrors = [...clientErrors, ...(server && server.body === patchJson ? server.errors : [])];

  const save = async () => {
    setAttempted(true);
    setFailure(undefined);
    if (Object.keys(changes).length === 0) return;
    if (clientErrors.length > 0) {
      setTries((value) => value + 1);
      return;
    }
    setSaving(true);
    try {
      await api.patch(`/cohorts/${props.cohort.cohortId}`, {
        body: patch,
        idempotencyKey: idempotency.keyFor(patch),
      });
      idempotency.done();
      setFlash(t('form.savedChanges'));
      navigate(`/app/cohorts/${props.cohort.cohortId}`, { leave: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.errors.length)
        setServer({ errors: error.errors, body: patchJson });
      else setFailure(error);
      setTries((value) => value + 1);
    } finally {
      setSaving(false);
    }
  };
  const problems = useProblems(attempted ? allErrors : []);

  return (
    <section>
      <PageHeader title={t('form.editTitle')} subtitle={cohortTitle(t, props.cohort)} />
      <CaseNotices cohort={props.cohort} />
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <CohortFieldsEditor
          state={state}
          onChange={setState}
          errors={errorMap(allErrors)}
          visible={() => true}
          touch={() => undefined}
          schools={reference.schools}
          occupations={reference.occupations}
          policy={reference.policy}
          cohortId={props.cohort.cohortId}
          assigned={assignedIn(
            props.cohort.apprentices
              .filter((apprentice) => apprentice.status !== 'withdrawn')
              .map((apprentice) => apprentice.enterpriseMentorKey),
          )}
        />
        <ErrorSummary
          id="problem-summary"
          attempt={tries}
          problems={problems}
          error={failure}
          title={problems.length ? t('form.problems', { n: problems.length }) : undefined}
        />
        <div class="form-actions">
          <button
            type="button"
            class="button-secondary"
            onClick={() => navigate(`/app/cohorts/${props.cohort.cohortId}`, { leave: true })}
          >
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            class="button-primary"
            disabled={!checks || saving || Object.keys(changes).length === 0}
          >
            {saving ? t('form.saving') : t('form.saveChanges')}
          </button>
        </div>
      </form>
    </section>
  );
}
