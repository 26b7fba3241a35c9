/**
 * The school verifies a claim: the hours each apprentice attended (the enterprise's figures to
 * start from, corrected where the school's records differ) and, for a final claim, every
 * assessment result and certificate — then approves, returns or rejects it.
 */

import { useMemo, useState } from 'preact/hooks';
import type { FieldError } from '../api.ts';
import { useApp } from '../context.ts';
import type { CodedField } from '../error-words.ts';
import { formatDate } from '../format.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { Link, useLeaveGuard } from '../router.tsx';
import { Alert, PageHeader, Progress, ScrollRegion, Unavailable, useFocusHeading, useLoad } from '../ui.tsx';
import {
  ClaimComputation,
  ClaimEvidence,
  ClaimFacts,
  ClaimNotices,
  ClaimSteps,
  type ClaimView,
  claimTitle,
} from './claim-parts.tsx';
import { CaseRef, type CohortView, levelName, Timeline } from './cohort-parts.tsx';
import { DecisionPanel } from './decision.tsx';

export function ClaimVerify(props: { claimId: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [decided, setDecided] = useState<string>();
  const loaded = useLoad(async () => {
    const claim = await api.get<ClaimView>(`/claims/${props.claimId}`);
    const cohort = await api.get<CohortView>(`/cohorts/${claim.cohortId}`);
    return { claim, cohort };
  }, [props.claimId]);
  useFocusHeading(loaded.data?.claim.claimId);
  if (loaded.error) {
    return <Unavailable error={loaded.error} notFound="error.claimNotFound" back="/app/inbox" />;
  }
  if (!loaded.data) return <Progress label={t('app.loading')} />;
  const { claim, cohort } = loaded.data;
  if (decided || claim.status !== 'SCHOOL_VERIFICATION' || !claim.currentTask) {
    return (
      <section data-testid="claim-verify" data-status={claim.status}>
        <PageHeader title={t('verify.title')} subtitle={claimTitle(t, claim, cohort)} />
        {decided ? (
          <Alert kind="success">{decided}</Alert>
        ) : (
          <Alert kind="info">
            {t('verify.notYourTurn', { status: t(`status.${claim.status}` as MessageKey) })}
          </Alert>
        )}
        <Link href={`/app/claims/${claim.claimId}`}>{t('claim.openCase')}</Link>
      </section>
    );
  }
  return <VerifyForm claim={claim} cohort={cohort} onDecided={setDecided} />;
}

function VerifyForm(props: { claim: ClaimView; cohort: CohortView; onDecided: (message: string) => void }) {
  const { t, m, lang } = useI18n();
  const { claim, cohort } = props;
  const final = claim.kind === 'final';
  const rows = claim.evidence.attendance.length
    ? claim.evidence.attendance
    : cohort.apprentices
        .filter((apprentice) => apprentice.status !== 'withdrawn')
        .map((apprentice) => ({ apprenticeId: apprentice.apprenticeId, hours: 0 }));
  const byId = new Map(cohort.apprentices.map((apprentice) => [apprentice.apprenticeId, apprentice]));
  const [hours, setHours] = useState(() => rows.map((row) => String(row.hours)));
  const [outcomesChecked, setOutcomesChecked] = useState(false);
  const [attempted, setAttempted] = useState(false);
  useLeaveGuard(
    hours.some((text, index) => text !== String(rows[index]?.hours)) || outcomesChecked,
    t('leave.confirm'),
  );
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);

  const clientErrors = useMemo(() => {
    const found: CodedField[] = [];
    hours.forEach((text, index) => {
      if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 10_000)
        found.push({ path: `attendance.${index}.hours`, message: t('claim.hoursInvalid') });
    });
    if (final && !outcomesChecked)
      found.push({ path: 'outcomesConfirmed', message: t('verify.outcomesRequired') });
    return found;
  }, [hours, final, outcomesChecked, t]);
  const errors = new Map<string, CodedField[]>();
  for (const error of [...(attempted ? clientErrors : []), ...serverErrors])
    errors.set(error.path, [...(errors.get(error.path) ?? []), error]);
  const changed = rows.filter((row, index) => String(row.hours) !== hours[index]?.trim()).length;
  /** The input an error path names, for the summary above the decision buttons. */
  const target = (path: string) => {
    const row = /^attendance\.(\d+)\.(hours|apprenticeId)$/.exec(path);
    if (row)
      return {
        id: `verify-hours-${row[1]}`,
        label: t('roster.rowLabel', { n: Number(row[1]) + 1, column: t('col.hoursVerified') }),
      };
    if (path === 'outcomesConfirmed') return { id: 'outcomes-confirmed' };
    return undefined;
  };

  return (
    <section data-testid="claim-verify" data-status={claim.status}>
      <PageHeader
        title={t('verify.title')}
        subtitle={
          <>
            {claimTitle(t, claim, cohort)} · <CaseRef kase={claim} id={claim.claimId} />
          </>
        }
      />
      <ClaimSteps claim={claim} />
      <ClaimNotices claim={claim} />
      <p>{final ? t('verify.introFinal') : t('verify.intro')}</p>
      <details class="facts-details">
        <summary>{t('claim.summary')}</summary>
        <ClaimFacts claim={claim} cohort={cohort} />
        <ClaimComputation claim={claim} cohort={cohort} />
      </details>
      <ClaimEvidence claim={claim} openDocuments />

      <h2>{t('verify.attendance', { n: rows.length })}</h2>
      <p class="hint">{t('verify.changed', { n: changed })}</p>
      <ScrollRegion label={t('verify.attendance', { n: rows.length })}>
        <table class="grid" data-testid="verify-grid">
          <thead>
            <tr>
              <th scope="col">{t('col.index')}</th>
              <th scope="col">{t('col.name')}</th>
              <th scope="col">{t('col.studentNumber')}</th>
              <th scope="col">{t('col.status')}</th>
              {final ? <th scope="col">{t('col.certificate')}</th> : null}
              <th scope="col">{t('col.hoursClaimed')}</th>
              <th scope="col">{t('col.hoursVerified')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const apprentice = byId.get(row.apprenticeId);
              const rowErrors =
                errors.get(`attendance.${index}.hours`) ?? errors.get(`attendance.${index}.apprenticeId`);
              return (
                <tr key={row.apprenticeId} class={rowErrors ? 'row-invalid' : ''}>
                  <th scope="row">{index + 1}</th>
                  <td>{apprentice?.name ?? row.apprenticeId}</td>
                  <td class="mono">{apprentice?.studentNumber ?? '—'}</td>
                  <td>{apprentice ? t(`apprentice.${apprentice.status}` as MessageKey) : '—'}</td>
                  {final ? (
                    <td>
                      {apprentice?.certificate
                        ? `${apprentice.certificate.number}${punct().open}${levelName(t, apprentice.certificate.level)}${punct().comma}${formatDate(apprentice.certificate.issuedOn, lang)}${punct().close}`
                        : '—'}
                    </td>
                  ) : null}
                  <td class="number">{row.hours}</td>
                  <td>
                    <input
                      id={`verify-hours-${index}`}
                      aria-label={t('roster.rowLabel', { n: index + 1, column: t('col.hoursVerified') })}
                      aria-invalid={Boolean(rowErrors)}
                      aria-describedby={rowErrors ? `verify-hours-${index}-error` : undefined}
                      class={rowErrors ? 'invalid' : ''}
                      inputMode="numeric"
                      size={6}
                      value={hours[index]}
                      onInput={(event) => {
                        setServerErrors([]);
                        const value = event.currentTarget.value;
                        setHours(hours.map((old, i) => (i === index ? value : old)));
                      }}
                    />
                    {rowErrors ? (
                      <small class="error-text" id={`verify-hours-${index}-error`}>
                        {rowErrors.map(m).join(punct().semi)}
                      </small>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      {final ? (
        <div class={`field ${errors.get('outcomesConfirmed') ? 'field-invalid' : ''}`}>
          <label class="checkbox">
            <input
              id="outcomes-confirmed"
              type="checkbox"
              aria-describedby={errors.get('outcomesConfirmed') ? 'outcomes-confirmed-error' : undefined}
              checked={outcomesChecked}
              onChange={(event) => setOutcomesChecked(event.currentTarget.checked)}
            />
            {t('verify.outcomesConfirm', {
              n: cohort.apprentices.filter((apprentice) => apprentice.status === 'certified').length,
              total: cohort.apprentices.length,
            })}
          </label>
          {errors.get('outcomesConfirmed') ? (
            <small class="error-text" id="outcomes-confirmed-error">
              {errors.get('outcomesConfirmed')!.map(m).join(punct().semi)}
            </small>
          ) : null}
        </div>
      ) : null}

      <DecisionPanel
        task={claim.currentTask}
        approveLabel={t('verify.approve')}
        target={target}
        approveBody={() => ({
          attendance: rows.map((row, index) => ({
            apprenticeId: row.apprenticeId,
            hours: Number(hours[index]),
          })),
          ...(final ? { outcomesConfirmed: true } : {}),
        })}
        checkApproval={() => {
          setAttempted(true);
          return clientErrors;
        }}
        onFieldErrors={(found) => {
          setAttempted(true);
          setServerErrors(found);
        }}
        approvedMessage={t('decision.done.verified')}
        onDecided={(_outcome, message) => props.onDecided(message)}
      />
      <Timeline claimId={claim.claimId} refreshKey={claim.version} />
    </section>
  );
}
