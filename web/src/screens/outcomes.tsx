/**
 * Outcomes of a filed cohort, recorded in bulk by the school registrar or the enterprise clerk:
 * each apprentice certified (certificate number, level, date) or not certified. Each outcome is one
 * audited change (`POST …/apprentices/{id}/outcome`); they are sent one after another with
 * progress, and a refused row keeps its message. Withdrawn apprentices already have an outcome.
 */
import { useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { useApp } from '../context.ts';
import { formatDate, todayInChina } from '../format.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import {
  Alert,
  ErrorSummary,
  PageHeader,
  type Problem,
  Progress,
  ScrollRegion,
  share,
  Unavailable,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { type CohortApprentice, type CohortView, cohortTitle, levelName, Timeline } from './cohort-parts.tsx';
import { inBatches } from './inbox.tsx';

interface OutcomeRow {
  outcome: '' | 'certified' | 'not_certified';
  number: string;
  level: string;
  issuedOn: string;
}

const OPEN = ['enrolled', 'completed'];

/** What the last save did: all recorded, or some refused (by name, with the API's reason). */
interface Saved {
  text: string;
  refused: string[];
}

export function Outcomes(props: { cohortId: string }) {
  const { t } = useI18n();
  const { api, systemNow } = useApp();
  const [refresh, setRefresh] = useState(0);
  const [saved, setSaved] = useState<Saved>();
  const loaded = useLoad(
    () =>
      Promise.all([api.get<CohortView>(`/cohorts/${props.cohortId}`), systemNow()]).then(([cohort, now]) => ({
        cohort,
        today: todayInChina(now),
      })),
    [props.cohortId, refresh],
  );
  useFocusHeading(loaded.data?.cohort.cohortId);
  if (loaded.error) {
    return <Unavailable error={loaded.error} back="/app/cohorts" />;
  }
  if (!loaded.data) return <Progress label={t('app.loading')} />;
  return (
    <OutcomeForm
      // A new version of the cohort starts the form afresh (the rows just recorded are read-only now).
      key={loaded.data.cohort.version}
      cohort={loaded.data.cohort}
      today={loaded.data.today}
      saved={saved}
      onSaved={(message) => {
        setSaved(message);
        setRefresh((value) => value + 1);
      }}
    />
  );
}

function OutcomeForm(props: {
  cohort: CohortView;
  today: string;
  /** What the last save recorded (kept across the reload that follows it). */
  saved: Saved | undefined;
  onSaved: (saved: Saved) => void;
}) {
  const { t, m, lang } = useI18n();
  const { api } = useApp();
  const { cohort } = props;
  const open = cohort.apprentices.filter((apprentice) => OPEN.includes(apprentice.status));
  const [rows, setRows] = useState<Record<string, OutcomeRow>>(() =>
    Object.fromEntries(
      open.map((apprentice) => [
        apprentice.apprenticeId,
        { outcome: '', number: '', level: String(cohort.targetLevel), issuedOn: props.today },
      ]),
    ),
  );
  const [prefix, setPrefix] = useState(`ZS-${props.today.slice(0, 4)}-`);
  const [issuedOn, setIssuedOn] = useState(props.today);
  const [progress, setProgress] = useState<{ done: number; total: number }>();
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [tries, setTries] = useState(0);
  const editable = cohort.status === 'FILED';

  const set = (apprenticeId: string, patch: Partial<OutcomeRow>) => {
    setRowErrors(({ [apprenticeId]: _dropped, ...rest }) => rest);
    setRows({ ...rows, [apprenticeId]: { ...rows[apprenticeId]!, ...patch } });
  };
  const chosen = useMemo(
    () => open.filter((apprentice) => rows[apprentice.apprenticeId]?.outcome),
    [open, rows],
  );
  const localErrors = useMemo(() => {
    const found: Record<string, string> = {};
    for (const apprentice of chosen) {
      const row = rows[apprentice.apprenticeId]!;
      if (row.outcome !== 'certified') continue;
      if (!row.number.trim()) found[apprentice.apprenticeId] = t('outcome.numberRequired');
      else if (!/^\d{4}-\d{2}-\d{2}$/.test(row.issuedOn))
        found[apprentice.apprenticeId] = t('outcome.dateRequired');
      else if (row.issuedOn > props.today) found[apprentice.apprenticeId] = t('outcome.dateFuture');
    }
    return found;
  }, [chosen, rows, props.today, t]);

  const fillCertified = () => {
    setRowErrors({});
    const next = { ...rows };
    open.forEach((apprentice, index) => {
      next[apprentice.apprenticeId] = {
        outcome: 'certified',
        number: `${prefix.trim()}${String(index + 1).padStart(3, '0')}`,
        level: String(cohort.targetLevel),
        issuedOn,
      };
    });
    setRows(next);
  };

  const save = async () => {
    setFailure(undefined);
    if (Object.keys(localErrors).length) {
      setRowErrors(localErrors);
      setTries((value) => value + 1);
      return;
    }
    const todo = chosen;
    setProgress({ done: 0, total: todo.length });
    const refused: Record<string, string> = {};
    let recorded = 0;
    // One at a time: each outcome is its own transaction on the cohort's version, so parallel ones would collide.
    await inBatches(
      todo,
      1,
      async (apprentice: CohortApprentice) => {
        const row = rows[apprentice.apprenticeId]!;
        const body =
          row.outcome === 'certified'
            ? {
                outcome: 'certified',
                certificate: {
                  kind: 'skill_level',
                  number: row.number.trim(),
                  level: Number(row.level),
                  issuedOn: row.issuedOn,
                },
              }
            : { outcome: 'not_certified' };
        try {
          await api.post(`/cohorts/${cohort.cohortId}/apprentices/${apprentice.apprenticeId}/outcome`, {
            body,
          });
          recorded++;
        } catch (error) {
          if (error instanceof ApiError && error.errors.length)
            refused[apprentice.apprenticeId] = error.errors.map((entry) => m(entry)).join(punct().semi);
          else if (error instanceof ApiError) refused[apprentice.apprenticeId] = error.detail || error.title;
          else {
            setFailure(error);
            setTries((value) => value + 1);
          }
        }
      },
      () => setProgress((previous) => previous && { ...previous, done: previous.done + 1 }),
    );
    setProgress(undefined);
    // The cohort is read again either way; a refused row stays open, its reason listed by name.
    const names = new Map(cohort.apprentices.map((apprentice) => [apprentice.apprenticeId, apprentice.name]));
    const failed = Object.entries(refused).map(
      ([id, message]) => `${names.get(id) ?? id}${punct().colon}${message}`,
    );
    props.onSaved({
      text: failed.length
        ? t('outcome.partly', { n: recorded, failed: failed.length })
        : t('outcome.saved', { n: recorded }),
      refused: failed,
    });
  };

  const rowIndex = new Map(cohort.apprentices.map((apprentice, index) => [apprentice.apprenticeId, index]));
  const problems: Problem[] = Object.entries(rowErrors).map(([id, message]) => {
    const index = rowIndex.get(id) ?? 0;
    return {
      text: t('error.field', { field: t('common.row', { n: index + 1 }), message }),
      target: `outcome-${index}`,
    };
  });
  const counts = {
    certified: cohort.apprentices.filter((apprentice) => apprentice.status === 'certified').length,
    notCertified: cohort.apprentices.filter((apprentice) => apprentice.status === 'not_certified').length,
    withdrawn: cohort.apprentices.filter((apprentice) => apprentice.status === 'withdrawn').length,
    open: open.length,
  };
  return (
    <section data-testid="outcomes" data-status={cohort.status}>
      <PageHeader title={t('outcome.title')} subtitle={cohortTitle(t, cohort)}>
        <Link class="button button-secondary" href={`/app/cohorts/${cohort.cohortId}`}>
          {t('claim.openCohort')}
        </Link>
      </PageHeader>
      <p data-testid="outcome-counts">{t('outcome.counts', counts)}</p>
      {props.saved ? (
        <Alert kind={props.saved.refused.length ? 'warning' : 'success'}>
          <p>{props.saved.text}</p>
          {props.saved.refused.length ? (
            <ul>
              {props.saved.refused.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      {cohort.status === 'COMPLETED' ? (
        <Alert kind="info">{t('outcome.completed')}</Alert>
      ) : !editable ? (
        <Alert kind="info">
          {t('outcome.notFiled', { status: t(`status.${cohort.status}` as MessageKey) })}
        </Alert>
      ) : (
        <p class="hint">{t('outcome.intro', { date: formatDate(cohort.endDate, lang) })}</p>
      )}
      {editable && open.length ? (
        <fieldset class="form-section">
          <legend>{t('enrol.bulk')}</legend>
          <div class="bulk-row">
            <label>
              {t('outcome.prefix')}
              <input
                id="certificate-prefix"
                value={prefix}
                size={12}
                onInput={(event) => setPrefix(event.currentTarget.value)}
              />
            </label>
            <label>
              {t('outcome.issuedOn')}
              <input
                id="certificate-date"
                type="date"
                value={issuedOn}
                onInput={(event) => setIssuedOn(event.currentTarget.value)}
              />
            </label>
            <button
              type="button"
              class="button-secondary"
              onClick={fillCertified}
              data-testid="fill-certified"
            >
              {t('outcome.fillCertified')}
            </button>
          </div>
        </fieldset>
      ) : null}
      {progress ? (
        <Progress label={t('outcome.saving', progress)} value={share(progress.done, progress.total)} />
      ) : null}
      <ScrollRegion label={t('outcome.title')}>
        <table class="grid" data-testid="outcome-grid">
          <thead>
            <tr>
              <th scope="col">{t('col.index')}</th>
              <th scope="col">{t('col.name')}</th>
              <th scope="col">{t('col.studentNumber')}</th>
              <th scope="col">{t('col.status')}</th>
              <th scope="col">{t('outcome.outcome')}</th>
              <th scope="col">{t('outcome.number')}</th>
              <th scope="col">{t('outcome.level')}</th>
              <th scope="col">{t('outcome.issuedOn')}</th>
            </tr>
          </thead>
          <tbody>
            {cohort.apprentices.map((apprentice, index) => {
              const row = rows[apprentice.apprenticeId];
              const error = rowErrors[apprentice.apprenticeId];
              const label = (column: string) => t('roster.rowLabel', { n: index + 1, column });
              return (
                <tr key={apprentice.apprenticeId} data-row={index} class={error ? 'row-invalid' : ''}>
                  <th scope="row">{index + 1}</th>
                  <td>{apprentice.name}</td>
                  <td class="mono">{apprentice.studentNumber ?? '—'}</td>
                  <td>{t(`apprentice.${apprentice.status}` as MessageKey)}</td>
                  {row && editable ? (
                    <>
                      <td>
                        <select
                          id={`outcome-${index}`}
                          aria-label={label(t('outcome.outcome'))}
                          aria-describedby={error ? `outcome-${index}-error` : undefined}
                          value={row.outcome}
                          data-field="outcome"
                          onChange={(event) =>
                            set(apprentice.apprenticeId, {
                              outcome: event.currentTarget.value as OutcomeRow['outcome'],
                            })
                          }
                        >
                          <option value="">{t('outcome.none')}</option>
                          <option value="certified">{t('apprentice.certified')}</option>
                          <option value="not_certified">{t('apprentice.not_certified')}</option>
                        </select>
                        {error ? (
                          <small class="error-text" id={`outcome-${index}-error`}>
                            {error}
                          </small>
                        ) : null}
                      </td>
                      <td>
                        <input
                          aria-label={label(t('outcome.number'))}
                          value={row.number}
                          size={14}
                          disabled={row.outcome !== 'certified'}
                          onInput={(event) =>
                            set(apprentice.apprenticeId, { number: event.currentTarget.value })
                          }
                        />
                      </td>
                      <td>
                        <select
                          aria-label={label(t('outcome.level'))}
                          value={row.level}
                          disabled={row.outcome !== 'certified'}
                          onChange={(event) =>
                            set(apprentice.apprenticeId, { level: event.currentTarget.value })
                          }
                        >
                          {[1, 2, 3, 4, 5].map((level) => (
                            <option key={level} value={String(level)}>
                              {levelName(t, level)}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input
                          type="date"
                          aria-label={label(t('outcome.issuedOn'))}
                          value={row.issuedOn}
                          disabled={row.outcome !== 'certified'}
                          onInput={(event) =>
                            set(apprentice.apprenticeId, { issuedOn: event.currentTarget.value })
                          }
                        />
                      </td>
                    </>
                  ) : (
                    <>
                      <td>
                        {OPEN.includes(apprentice.status)
                          ? '—'
                          : t(`apprentice.${apprentice.status}` as MessageKey)}
                      </td>
                      <td class="mono">{apprentice.certificate?.number ?? '—'}</td>
                      <td>{apprentice.certificate ? levelName(t, apprentice.certificate.level) : '—'}</td>
                      <td>
                        {apprentice.certificate
                          ? formatDate(apprentice.certificate.issuedOn, lang)
                          : apprentice.withdrawal
                            ? t('outcome.withdrawnOn', { date: formatDate(apprentice.withdrawal.date, lang) })
                            : '—'}
                      </td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      <ErrorSummary attempt={tries} problems={problems} error={failure} />
      {editable && open.length ? (
        <div class="form-actions">
          <span>{t('outcome.chosen', { n: chosen.length, total: open.length })}</span>
          <button
            type="button"
            class="button-primary"
            disabled={progress !== undefined || chosen.length === 0}
            onClick={() => void save()}
            data-testid="save-outcomes"
          >
            {t('outcome.save', { n: chosen.length })}
          </button>
        </div>
      ) : null}
      <Timeline
        cohortId={cohort.cohortId}
        refreshKey={cohort.version}
        names={new Map(cohort.apprentices.map((apprentice) => [apprentice.apprenticeId, apprentice.name]))}
      />
    </section>
  );
}
