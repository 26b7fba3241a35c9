/**
 * One cohort, for every party that may see it: where it stands, its facts, its apprentices, its
 * history, and what the person may do now. The parts follow the use cases (shared/domain/use-cases):
 * `filing.tsx` submits, withdraws and decides (cohort-filing), `drafts.tsx` adds and removes
 * apprentices of a draft (cohort-drafts), `apprenticeship.tsx` records the changes while FILED
 * (apprenticeship), `subsidy.tsx` shows the cohort's ledger and claims (claims).
 */

import { useState } from 'preact/hooks';
import { useApp } from '../../context.ts';
import { useI18n } from '../../i18n.ts';
import {
  Alert,
  PageHeader,
  Progress,
  StatusBadge,
  Unavailable,
  useFocusHeading,
  useLoad,
} from '../../ui.tsx';
import { takeFlash } from '../checks.ts';
import {
  ApprenticeTable,
  CaseNotices,
  CaseRef,
  CohortFacts,
  type CohortView,
  cohortTitle,
  StageSteps,
  Timeline,
} from '../cohort-parts.tsx';
import { CorrectionChecklist, cohortTargets, targetLabel } from '../corrections.tsx';
import { MentorChange, WithdrawableApprentices } from './apprenticeship.tsx';
import { AddApprentices, RemovableApprentices } from './drafts.tsx';
import { Actions, EDITABLE } from './filing.tsx';
import { CohortClaims } from './subsidy.tsx';

/** What a part says after it changed the cohort: the page reads it again and shows the message. */
export type OnChanged = (message?: string) => void;

export function CohortCase(props: { cohortId: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [flash, setFlashState] = useState<string | undefined>(takeFlash);
  const cohort = useLoad(() => api.get<CohortView>(`/cohorts/${props.cohortId}`), [props.cohortId]);
  useFocusHeading(cohort.data?.cohortId);
  if (cohort.error) {
    return <Unavailable error={cohort.error} back="/app/cohorts" />;
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

function CaseView(props: { cohort: CohortView; flash: string | undefined; onChanged: OnChanged }) {
  const { t } = useI18n();
  const { session } = useApp();
  const { cohort } = props;
  const clerk = session.role === 'enterprise.clerk';
  return (
    <section data-testid="cohort-case" data-status={cohort.status}>
      <PageHeader title={cohortTitle(t, cohort)} subtitle={<CaseRef kase={cohort} id={cohort.cohortId} />}>
        <StatusBadge status={cohort.status} />
      </PageHeader>
      <StageSteps status={cohort.status} />
      {props.flash ? <Alert kind="success">{props.flash}</Alert> : null}
      {session.role === 'city.admin' ? (
        <p class="hint" data-testid="city-read-only">
          {t('city.readOnly')}
        </p>
      ) : null}
      <CaseNotices cohort={cohort} />
      <CorrectionChecklist notice={cohort.corrections} label={targetLabel(cohortTargets(t, cohort))} />
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
