/**
 * The school confirms enrolment in one go: its mentors, then a student number and a school mentor
 * for every apprentice — filled in bulk (numbers generated from a prefix, mentors assigned in
 * order) and by hand — with each mentor's load in sight, then approves (or returns, rejects).
 */

import { useMemo, useState } from 'preact/hooks';
import type { FieldError } from '../api.ts';
import { useApp } from '../context.ts';
import type { CodedField } from '../error-words.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { addImportedMentors, type ImportedMentor } from '../roster/mentors.ts';
import { Link, useLeaveGuard } from '../router.tsx';
import {
  Alert,
  LoadBar,
  loadLabel,
  PageHeader,
  Progress,
  ScrollRegion,
  share,
  Unavailable,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { useChecks } from './checks.ts';
import {
  CaseNotices,
  CaseRef,
  CohortFacts,
  type CohortView,
  cohortTitle,
  StageSteps,
  Timeline,
} from './cohort-parts.tsx';
import { DecisionPanel } from './decision.tsx';
import { MentorFileImport } from './mentor-file.tsx';
import { MentorPicker } from './mentor-picker.tsx';
import { useMentorRegister } from './mentor-register.ts';

interface SchoolMentorRow {
  rowKey: string;
  key: string;
  name: string;
  teacherNo: string;
}

let counter = 0;
const newMentor = (key: string): SchoolMentorRow => ({
  rowKey: `sm-${++counter}`,
  key,
  name: '',
  teacherNo: '',
});

export function Enrolment(props: { cohortId: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const cohort = useLoad(() => api.get<CohortView>(`/cohorts/${props.cohortId}`), [props.cohortId]);
  const [decided, setDecided] = useState<string>();
  useFocusHeading(cohort.data?.cohortId);
  if (cohort.error) {
    return <Unavailable error={cohort.error} back="/app/inbox" />;
  }
  if (!cohort.data) return <Progress label={t('app.loading')} />;
  if (decided) {
    return (
      <section>
        <PageHeader title={t('enrol.title')} subtitle={cohortTitle(t, cohort.data)} />
        <Alert kind="success">{decided}</Alert>
        <Link href={`/app/cohorts/${cohort.data.cohortId}`}>{t('case.history')}</Link>
      </section>
    );
  }
  if (cohort.data.status !== 'SCHOOL_REVIEW' || !cohort.data.currentTask) {
    return (
      <section>
        <PageHeader title={t('enrol.title')} subtitle={cohortTitle(t, cohort.data)} />
        <Alert kind="info">
          {t('enrol.notYourTurn', { status: t(`status.${cohort.data.status}` as MessageKey) })}
        </Alert>
        <Link href={`/app/cohorts/${cohort.data.cohortId}`}>{t('case.history')}</Link>
      </section>
    );
  }
  return <EnrolmentForm cohort={cohort.data} onDecided={(message) => setDecided(message)} />;
}

function EnrolmentForm(props: { cohort: CohortView; onDecided: (message: string) => void }) {
  const { t, m } = useI18n();
  const checks = useChecks();
  const { policy } = useApp();
  const limits = useLoad(() => policy(), []);
  const max = limits.data?.mentorMaxApprentices ?? 8;
  const apprentices = props.cohort.apprentices.filter((apprentice) => apprentice.status === 'enrolled');
  const [mentors, setMentors] = useState<SchoolMentorRow[]>(() =>
    Array.from({ length: Math.max(1, Math.ceil(apprentices.length / max)) }, (_, index) =>
      newMentor(`t${index + 1}`),
    ),
  );
  const [rows, setRows] = useState(() =>
    apprentices.map((apprentice) => ({
      studentNumber: apprentice.studentNumber ?? '',
      schoolMentorKey: apprentice.schoolMentorKey ?? '',
    })),
  );
  const [prefix, setPrefix] = useState(`S${props.cohort.startDate.slice(0, 4)}`);
  const [start, setStart] = useState('1');
  const [digits, setDigits] = useState('3');
  const [attempted, setAttempted] = useState(false);
  // Numbers and mentors filled in and not yet sent: leaving asks first.
  const [initial] = useState(() =>
    JSON.stringify({ rows, mentors: mentors.map(({ rowKey: _k, ...m }) => m) }),
  );
  useLeaveGuard(
    JSON.stringify({ rows, mentors: mentors.map(({ rowKey: _k, ...m }) => m) }) !== initial,
    t('leave.confirm'),
  );
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);

  const body = useMemo(
    () => ({
      schoolMentors: mentors.map((mentor) => ({
        key: mentor.key.trim(),
        name: mentor.name.trim(),
        teacherNo: mentor.teacherNo.trim(),
      })),
      enrolment: apprentices.map((apprentice, index) => ({
        apprenticeId: apprentice.apprenticeId,
        studentNumber: rows[index]!.studentNumber.trim(),
        schoolMentorKey: rows[index]!.schoolMentorKey.trim(),
      })),
    }),
    [mentors, rows, apprentices],
  );
  // The school's mentors from its other cohorts, with the apprentices they already take there.
  const register = useMentorRegister('school', props.cohort.cohortId);
  const elsewhereOf = (teacherNo: string) =>
    register.data?.find((mentor) => mentor.number === teacherNo.trim())?.load ?? 0;
  const loads = useMemo(() => {
    const counts = new Map<string, number>();
    for (const row of rows)
      if (row.schoolMentorKey) counts.set(row.schoolMentorKey, (counts.get(row.schoolMentorKey) ?? 0) + 1);
    // Across active cohorts, as the API counts it: this cohort's and the others'.
    for (const mentor of mentors) {
      const key = mentor.key.trim();
      const elsewhere = register.data?.find((known) => known.number === mentor.teacherNo.trim())?.load ?? 0;
      if (key && elsewhere) counts.set(key, (counts.get(key) ?? 0) + elsewhere);
    }
    return counts;
  }, [rows, mentors, register.data]);
  const [pick, setPick] = useState('');
  const pickable = (register.data ?? []).filter(
    (known) => !mentors.some((mentor) => mentor.teacherNo.trim() === known.number),
  );
  const addKnown = () => {
    const known = pickable.find((mentor) => mentor.number === pick) ?? pickable[0];
    if (!known) return;
    const used = new Set(mentors.map((mentor) => mentor.key));
    let n = mentors.length + 1;
    while (used.has(`t${n}`)) n++;
    const fresh = { ...newMentor(`t${n}`), name: known.name, teacherNo: known.number };
    // An empty row (the form starts with some) takes the mentor; else a row is added.
    const empty = mentors.findIndex((mentor) => !mentor.name.trim() && !mentor.teacherNo.trim());
    setServerErrors([]);
    setMentors(
      empty >= 0
        ? mentors.map((mentor, index) =>
            index === empty ? { ...mentor, name: known.name, teacherNo: known.number } : mentor,
          )
        : [...mentors, fresh],
    );
    setPick('');
  };
  const importMentors = (imported: ImportedMentor[]) => {
    const merged = addImportedMentors(mentors, imported, {
      numberOf: (row) => row.teacherNo,
      make: (key, mentor) => ({ ...newMentor(key), name: mentor.name, teacherNo: mentor.number }),
      fill: (row, mentor) => ({ ...row, name: mentor.name, teacherNo: mentor.number }),
      keyPrefix: 't',
    });
    setServerErrors([]);
    setMentors(merged.rows);
    return merged;
  };
  const clientErrors = useMemo(() => {
    const found: CodedField[] = checks
      ? checks.validator.checkDecision({ decision: 'approve', ...body })
      : [];
    mentors.forEach((mentor, index) => {
      const load = loads.get(mentor.key.trim()) ?? 0;
      if (load > max)
        found.push({ path: `schoolMentors.${index}.key`, message: t('enrol.overload', { max }) });
    });
    return found;
  }, [checks, body, mentors, loads, max, t]);
  const errors = new Map<string, CodedField[]>();
  for (const error of [...clientErrors, ...serverErrors])
    errors.set(error.path, [...(errors.get(error.path) ?? []), error]);
  const shown = (path: string) => (attempted ? errors.get(path) : undefined);
  const filled = rows.filter((row) => row.studentNumber.trim() && row.schoolMentorKey).length;
  const mentorColumns: Record<string, string> = {
    key: t('form.mentorKey'),
    name: t('form.mentorName'),
    teacherNo: t('enrol.teacherNo'),
  };
  /** The input an error path names, and how the summary calls it. */
  const target = (path: string) => {
    const mentor = /^schoolMentors\.(\d+)\.(key|name|teacherNo)$/.exec(path);
    if (mentor)
      return {
        id: `f-${path}`,
        label: `${t('enrol.mentors')} ${t('common.row', { n: Number(mentor[1]) + 1 })} ${mentorColumns[mentor[2]!]}`,
      };
    const row = /^enrolment\.(\d+)\.(studentNumber|schoolMentorKey)$/.exec(path);
    if (row)
      return {
        id: `f-${path}`,
        label: t('roster.rowLabel', {
          n: Number(row[1]) + 1,
          column: row[2] === 'studentNumber' ? t('col.studentNumber') : t('col.schoolMentor'),
        }),
      };
    return undefined;
  };

  const setRow = (index: number, patch: Partial<(typeof rows)[number]>) => {
    setServerErrors([]);
    setRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  };
  const generateNumbers = () => {
    const first = Number.parseInt(start, 10) || 1;
    const width = Math.min(8, Math.max(1, Number.parseInt(digits, 10) || 3));
    setServerErrors([]);
    setRows(
      rows.map((row, index) => ({
        ...row,
        studentNumber: `${prefix.trim()}${String(first + index).padStart(width, '0')}`,
      })),
    );
  };
  const assignInOrder = () => {
    const keys = mentors.map((mentor) => mentor.key.trim()).filter(Boolean);
    if (keys.length === 0) return;
    setServerErrors([]);
    setRows(
      rows.map((row, index) => ({ ...row, schoolMentorKey: keys[Math.floor(index / max) % keys.length]! })),
    );
  };

  const mentorCell = (index: number, field: 'key' | 'name' | 'teacherNo', label: string) => {
    const mentor = mentors[index]!;
    const path = `schoolMentors.${index}.${field}`;
    const fieldErrors = shown(path);
    return (
      <td>
        <input
          id={`f-${path}`}
          aria-label={`${mentor.key} ${label}`}
          aria-invalid={Boolean(fieldErrors)}
          aria-describedby={fieldErrors ? `f-${path}-error` : undefined}
          class={fieldErrors ? 'invalid' : ''}
          value={mentor[field]}
          onInput={(event) => {
            setServerErrors([]);
            setMentors(
              mentors.map((row, i) => (i === index ? { ...row, [field]: event.currentTarget.value } : row)),
            );
          }}
        />
        {fieldErrors ? (
          <small class="error-text" id={`f-${path}-error`}>
            {fieldErrors.map(m).join(punct().semi)}
          </small>
        ) : null}
      </td>
    );
  };

  return (
    <section data-testid="enrolment">
      <PageHeader
        title={t('enrol.title')}
        subtitle={
          <>
            {cohortTitle(t, props.cohort)} · <CaseRef kase={props.cohort} id={props.cohort.cohortId} />
          </>
        }
      />
      <StageSteps status={props.cohort.status} />
      <CaseNotices cohort={props.cohort} />
      <p>{t('enrol.intro')}</p>
      <details class="facts-details">
        <summary>{t('case.summaryTitle')}</summary>
        <CohortFacts cohort={props.cohort} />
      </details>

      <fieldset class="form-section">
        <legend>{t('enrol.mentors')}</legend>
        <p class="hint">{t('enrol.loadNote', { max })}</p>
        <MentorPicker
          id="school-mentor-pick"
          mentors={pickable}
          pick={pick}
          onPick={setPick}
          onAdd={addKnown}
        />
        <MentorFileImport id="school-mentor-file" side="school" onImport={importMentors} />
        <ScrollRegion label={t('enrol.mentors')}>
          <table class="grid" data-testid="school-mentors">
            <thead>
              <tr>
                <th scope="col">{t('form.mentorKey')}</th>
                <th scope="col">{t('form.mentorName')}</th>
                <th scope="col">{t('enrol.teacherNo')}</th>
                <th scope="col">{t('enrol.loadTitle')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mentors.map((mentor, index) => {
                const load = loads.get(mentor.key.trim()) ?? 0;
                return (
                  <tr key={mentor.rowKey}>
                    {mentorCell(index, 'key', t('form.mentorKey'))}
                    {mentorCell(index, 'name', t('form.mentorName'))}
                    {mentorCell(index, 'teacherNo', t('enrol.teacherNo'))}
                    <td class={load > max ? 'overload' : ''}>
                      <LoadBar
                        testId={`load-${mentor.key}`}
                        n={load}
                        max={max}
                        label={loadLabel(t, load, max, elsewhereOf(mentor.teacherNo))}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        class="button-ghost small"
                        onClick={() => setMentors(mentors.filter((_, i) => i !== index))}
                        disabled={mentors.length === 1}
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
            const used = new Set(mentors.map((mentor) => mentor.key));
            let n = mentors.length + 1;
            while (used.has(`t${n}`)) n++;
            setMentors([...mentors, newMentor(`t${n}`)]);
          }}
        >
          {t('enrol.addMentor')}
        </button>
      </fieldset>

      <fieldset class="form-section">
        <legend>{t('enrol.bulk')}</legend>
        <div class="bulk-row">
          <label>
            {t('enrol.prefix')}
            <input value={prefix} onInput={(event) => setPrefix(event.currentTarget.value)} size={10} />
          </label>
          <label>
            {t('enrol.start')}
            <input
              value={start}
              inputMode="numeric"
              onInput={(event) => setStart(event.currentTarget.value)}
              size={5}
            />
          </label>
          <label>
            {t('enrol.digits')}
            <input
              value={digits}
              inputMode="numeric"
              onInput={(event) => setDigits(event.currentTarget.value)}
              size={3}
            />
          </label>
          <button
            type="button"
            class="button-secondary"
            onClick={generateNumbers}
            data-testid="generate-numbers"
          >
            {t('enrol.generate')}
          </button>
          <button type="button" class="button-secondary" onClick={assignInOrder} data-testid="assign-mentors">
            {t('enrol.assign', { max })}
          </button>
        </div>
      </fieldset>

      <h2>{t('case.apprentices', { n: apprentices.length })}</h2>
      <Progress
        label={t('enrol.progress', { done: filled, total: apprentices.length })}
        value={share(filled, apprentices.length)}
      />
      <ScrollRegion label={t('case.apprentices', { n: apprentices.length })}>
        <table class="grid" data-testid="enrolment-grid">
          <thead>
            <tr>
              <th scope="col">{t('col.index')}</th>
              <th scope="col">{t('col.name')}</th>
              <th scope="col">{t('col.idNumber')}</th>
              <th scope="col">{t('col.enterpriseMentor')}</th>
              <th scope="col">{t('col.studentNumber')}</th>
              <th scope="col">{t('col.schoolMentor')}</th>
            </tr>
          </thead>
          <tbody>
            {apprentices.map((apprentice, index) => {
              const numberErrors = shown(`enrolment.${index}.studentNumber`);
              const mentorErrors = shown(`enrolment.${index}.schoolMentorKey`);
              const row = rows[index]!;
              return (
                <tr key={apprentice.apprenticeId} class={numberErrors || mentorErrors ? 'row-invalid' : ''}>
                  <th scope="row">{index + 1}</th>
                  <td>{apprentice.name}</td>
                  <td class="mono">{apprentice.idNumber}</td>
                  <td>
                    {props.cohort.enterpriseMentors.find(
                      (mentor) => mentor.key === apprentice.enterpriseMentorKey,
                    )?.name ?? apprentice.enterpriseMentorKey}
                  </td>
                  <td>
                    <input
                      id={`f-enrolment.${index}.studentNumber`}
                      aria-label={t('roster.rowLabel', { n: index + 1, column: t('col.studentNumber') })}
                      aria-invalid={Boolean(numberErrors)}
                      aria-describedby={numberErrors ? `f-enrolment.${index}.studentNumber-error` : undefined}
                      class={numberErrors ? 'invalid' : ''}
                      value={row.studentNumber}
                      onInput={(event) => setRow(index, { studentNumber: event.currentTarget.value })}
                    />
                    {numberErrors ? (
                      <small class="error-text" id={`f-enrolment.${index}.studentNumber-error`}>
                        {numberErrors.map(m).join(punct().semi)}
                      </small>
                    ) : null}
                  </td>
                  <td>
                    <select
                      id={`f-enrolment.${index}.schoolMentorKey`}
                      aria-label={t('roster.rowLabel', { n: index + 1, column: t('col.schoolMentor') })}
                      aria-invalid={Boolean(mentorErrors)}
                      aria-describedby={
                        mentorErrors ? `f-enrolment.${index}.schoolMentorKey-error` : undefined
                      }
                      class={mentorErrors ? 'invalid' : ''}
                      value={row.schoolMentorKey}
                      onChange={(event) => setRow(index, { schoolMentorKey: event.currentTarget.value })}
                    >
                      <option value="">{t('common.select')}</option>
                      {mentors.map((mentor) => (
                        <option key={mentor.rowKey} value={mentor.key}>
                          {mentor.key} {mentor.name}
                        </option>
                      ))}
                    </select>
                    {mentorErrors ? (
                      <small class="error-text" id={`f-enrolment.${index}.schoolMentorKey-error`}>
                        {mentorErrors.map(m).join(punct().semi)}
                      </small>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>

      <DecisionPanel
        task={props.cohort.currentTask}
        approveLabel={t('enrol.approve')}
        approveBody={() => body}
        target={target}
        checkApproval={() => {
          setAttempted(true);
          return clientErrors;
        }}
        onFieldErrors={(found) => {
          setAttempted(true);
          setServerErrors(found);
        }}
        approvedMessage={t('decision.done.enrolled')}
        onDecided={(_outcome, message) => props.onDecided(message)}
      />
      <Timeline cohortId={props.cohort.cohortId} refreshKey={props.cohort.version} />
    </section>
  );
}
