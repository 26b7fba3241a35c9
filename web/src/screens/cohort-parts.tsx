/**
 * Pieces every cohort screen shows: the case's facts, where it stands among the stages, its
 * apprentices (masked) and its history — the audit trail, read through `GET /cohorts/{id}/history`,
 * every page of it, with its hash chain visible.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { CohortView } from '../../../shared/domain/cohort.ts';
import { organisationName, useApp } from '../context.ts';
import { formatCount, formatDate, formatFen, formatInstant } from '../format.ts';
import { type MessageKey, punct, useI18n } from '../i18n.ts';
import { learnActors, nameOf } from '../people.ts';
import { Alert, ErrorAlert, Progress, ScrollRegion, StatusBadge, useLoad } from '../ui.tsx';

export type { CohortView };
export type CohortApprentice = CohortView['apprentices'][number];

export interface CohortSummary {
  cohortId: string;
  status: string;
  version: number;
  enterpriseId: string;
  schoolId: string;
  districtCode: string;
  occupationCode: string;
  occupationName: string;
  targetLevel: number;
  startDate: string;
  endDate: string;
  apprenticeCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryRecord {
  seq: number;
  at: string;
  action: string;
  actor: { sub?: string; username: string; role: string; orgId: string } | { system: string };
  from?: string;
  to?: string;
  reason?: string;
  details?: Record<string, unknown>;
  hash: string;
}

export interface Task {
  taskId: string;
  workflow: string;
  stage: string;
  caseId: string;
  role: string;
  status: string;
  createdAt: string;
  dueAt: string;
  /** Past its due time (a bureau stage: its handling limit in working days). */
  overdue?: boolean;
  /** In a bureau admin's inbox: a reviewer's task past its limit. */
  escalated?: boolean;
  /** A public objection's task: what the citizen wrote (the contact masked). */
  objection?: { objectionId: string; name: string; contact: string; text: string; lodgedAt: string };
}

export function levelName(t: ReturnType<typeof useI18n>['t'], level: number): string {
  return t(`level.${level}` as MessageKey);
}

/** `人工智能训练师 · 四级/中级工` */
export function cohortTitle(
  t: ReturnType<typeof useI18n>['t'],
  cohort: { occupationName: string; targetLevel: number },
) {
  return `${cohort.occupationName} · ${levelName(t, cohort.targetLevel)}`;
}

/**
 * A short number people can read out on the phone — 海淀-2027-7K3Q: the district, the year the case
 * was opened (China time), the last four characters of its ULID — shown beside the ULID, which stays
 * the case's identity. The API has no case number of its own; when it answers one (`caseNumber`),
 * that one is shown.
 */
export function caseNumber(
  kase: { caseNumber?: string; districtCode: string; createdAt: string },
  id: string,
  organisations: ReadonlyMap<string, { name: string }>,
): string {
  if (kase.caseNumber) return kase.caseNumber;
  const bureau = organisations.get(kase.districtCode)?.name ?? '';
  const district = /^(?:.+?[省市])?(.+?)[区县]/.exec(bureau)?.[1] ?? kase.districtCode;
  const year = new Date(Date.parse(kase.createdAt) + 8 * 3600_000).toISOString().slice(0, 4);
  return `${district}-${year}-${id.slice(-4).toUpperCase()}`;
}

/** The case number beside the ULID, as a page's subtitle. */
export function CaseRef(props: {
  kase: { caseNumber?: string; districtCode: string; createdAt: string };
  id: string;
}) {
  const { t } = useI18n();
  const { organisations } = useApp();
  const number = caseNumber(props.kase, props.id, organisations);
  return (
    <span class="case-ref">
      <strong data-testid="case-number" title={t('case.number', { number })}>
        {number}
      </strong>{' '}
      <code>{props.id}</code>
    </span>
  );
}

const STEPS = ['DRAFT', 'COMPANY_REVIEW', 'SCHOOL_REVIEW', 'BUREAU_REVIEW', 'FILED'] as const;

/** Where the case stands: prepare → company → school → bureau → filed; off-track states named. */
export function StageSteps(props: { status: string }) {
  const { t } = useI18n();
  // FILED (and COMPLETED) have passed every step; a RETURNED case is back at the first.
  const finished = props.status === 'FILED' || props.status === 'COMPLETED';
  const reached = finished
    ? STEPS.length
    : props.status === 'RETURNED'
      ? 0
      : STEPS.indexOf(props.status as (typeof STEPS)[number]);
  return (
    <div class="steps-wrap">
      <ol class="steps" aria-label={t('case.stages')}>
        {STEPS.map((step, index) => {
          const state =
            reached < 0 ? 'todo' : index < reached ? 'done' : index === reached ? 'current' : 'todo';
          return (
            <li
              key={step}
              class={`step step-${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <span class="step-dot" aria-hidden="true">
                {state === 'done' ? '✓' : index + 1}
              </span>
              <span class="step-label">{t(`step.${step}` as MessageKey)}</span>
            </li>
          );
        })}
      </ol>
      {['RETURNED', 'REJECTED', 'WITHDRAWN', 'COMPLETED'].includes(props.status) ? (
        <StatusBadge status={props.status} />
      ) : null}
    </div>
  );
}

/** The facts of a cohort as a definition list. */
export function CohortFacts(props: { cohort: CohortView; children?: ComponentChildren }) {
  const { t, lang } = useI18n();
  const { organisations } = useApp();
  const { cohort } = props;
  return (
    <dl class="facts">
      <dt>{t('case.enterprise')}</dt>
      <dd>
        {organisationName(organisations, cohort.enterpriseId)} <code>{cohort.enterpriseId}</code>
      </dd>
      <dt>{t('case.school')}</dt>
      <dd>
        {organisationName(organisations, cohort.schoolId)} <code>{cohort.schoolId}</code>
      </dd>
      <dt>{t('case.district')}</dt>
      <dd>{organisationName(organisations, cohort.districtCode)}</dd>
      <dt>{t('case.occupation')}</dt>
      <dd>
        {cohort.occupationName} <code>{cohort.occupationCode}</code>
        {t('common.paren', { text: cohort.occupationEdition })}
      </dd>
      <dt>{t('case.level')}</dt>
      <dd>{levelName(t, cohort.targetLevel)}</dd>
      <dt>{t('case.period')}</dt>
      <dd>
        {formatDate(cohort.startDate, lang)} – {formatDate(cohort.endDate, lang)}
      </dd>
      <dt>{t('case.hours')}</dt>
      <dd>
        {t('case.hoursValue', {
          total: formatCount(cohort.plannedHours.total),
          concentrated: formatCount(cohort.plannedHours.concentrated),
        })}
      </dd>
      <dt>{t('case.agreements')}</dt>
      <dd>
        {t('case.agreementsValue', {
          school: cohort.agreements.schoolAgreementNo,
          apprentice: cohort.agreements.apprenticeAgreementNo,
        })}
      </dd>
      {cohort.trainingJustification ? (
        <>
          <dt>{t('case.justification')}</dt>
          <dd>{cohort.trainingJustification}</dd>
        </>
      ) : null}
      <dt>{t('case.mentors')}</dt>
      <dd>
        {cohort.enterpriseMentors
          .map(
            (mentor) =>
              `${mentor.key} ${mentor.name}${punct().open}${mentor.employeeNo}${punct().comma}${levelName(t, mentor.skillLevel)}${punct().close}`,
          )
          .join(punct().semi)}
      </dd>
      {cohort.schoolMentors.length ? (
        <>
          <dt>{t('case.schoolMentors')}</dt>
          <dd>
            {cohort.schoolMentors
              .map(
                (mentor) => `${mentor.key} ${mentor.name}${punct().open}${mentor.teacherNo}${punct().close}`,
              )
              .join(punct().semi)}
          </dd>
        </>
      ) : null}
      {cohort.entitlementFen !== undefined && cohort.policyVersion ? (
        <>
          <dt>{t('case.entitlement')}</dt>
          <dd data-testid="entitlement">
            {t('case.entitlementValue', {
              total: formatFen(cohort.entitlementFen),
              version: cohort.policyVersion,
            })}
          </dd>
        </>
      ) : null}
      {props.children}
    </dl>
  );
}

/** The apprentices, masked; `extra` adds columns (a remove button, a reveal button). */
export function ApprenticeTable(props: {
  cohort: CohortView;
  extra?: { header: string; cell: (apprentice: CohortApprentice, index: number) => ComponentChildren };
  idCell?: (apprentice: CohortApprentice) => ComponentChildren;
}) {
  const { t, lang } = useI18n();
  const { cohort } = props;
  const mentorName = (key: string | null, mentors: { key: string; name: string }[]) =>
    key ? (mentors.find((mentor) => mentor.key === key)?.name ?? key) : '—';
  return (
    <ScrollRegion label={t('case.apprentices', { n: cohort.apprentices.length })}>
      <table class="data" data-testid="apprentice-table">
        <thead>
          <tr>
            <th scope="col">{t('col.index')}</th>
            <th scope="col">{t('col.name')}</th>
            <th scope="col">{t('col.idNumber')}</th>
            <th scope="col">{t('col.phone')}</th>
            <th scope="col">{t('col.hireType')}</th>
            <th scope="col">{t('col.contractStartDate')}</th>
            <th scope="col">{t('col.contractEndDate')}</th>
            <th scope="col">{t('col.enterpriseMentor')}</th>
            <th scope="col">{t('col.studentNumber')}</th>
            <th scope="col">{t('col.schoolMentor')}</th>
            <th scope="col">{t('col.status')}</th>
            {cohort.entitlementFen !== undefined ? <th scope="col">{t('col.entitlement')}</th> : null}
            {props.extra ? <th scope="col">{props.extra.header}</th> : null}
          </tr>
        </thead>
        <tbody>
          {cohort.apprentices.map((apprentice, index) => (
            <tr key={apprentice.apprenticeId}>
              <td>{index + 1}</td>
              <td>{apprentice.name}</td>
              <td class="mono">{props.idCell ? props.idCell(apprentice) : apprentice.idNumber}</td>
              <td class="mono">{apprentice.phone}</td>
              <td>{t(`hireType.${apprentice.hireType}` as MessageKey)}</td>
              <td>{formatDate(apprentice.contract.startDate, lang)}</td>
              <td>
                {apprentice.contract.endDate
                  ? formatDate(apprentice.contract.endDate, lang)
                  : t('common.openEnded')}
              </td>
              <td>{mentorName(apprentice.enterpriseMentorKey, cohort.enterpriseMentors)}</td>
              <td class="mono">{apprentice.studentNumber ?? '—'}</td>
              <td>{mentorName(apprentice.schoolMentorKey, cohort.schoolMentors)}</td>
              <td>{t(`apprentice.${apprentice.status}` as MessageKey)}</td>
              {cohort.entitlementFen !== undefined ? (
                <td class="money">
                  {apprentice.entitlementFen === undefined ? '—' : formatFen(apprentice.entitlementFen)}
                </td>
              ) : null}
              {props.extra ? <td>{props.extra.cell(apprentice, index)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function actorLabel(
  t: ReturnType<typeof useI18n>['t'],
  record: HistoryRecord,
  orgName: (id: string) => string,
): string {
  if ('system' in record.actor)
    return record.actor.system === 'subsidy-claim' ? t('audit.systemClaim') : t('audit.system');
  return t('people.actor', {
    name: nameOf(record.actor),
    role: t(`role.${record.actor.role}` as MessageKey),
    org: orgName(record.actor.orgId),
  });
}

/** A stage's name: the claim workflow names its stages apart from the filing ones (both have BUREAU_REVIEW). */
export function stageName(t: ReturnType<typeof useI18n>['t'], stage: string, workflow: string): string {
  return workflow === 'subsidy-claim'
    ? t(`claimStage.${stage}` as MessageKey)
    : t(`stage.${stage}` as MessageKey);
}

/** Records that name a stage opened, not a state reached: no "→ state" after them. */
const OPENINGS = new Set(['review.opened', 'task.opened']);

function actionLabel(t: ReturnType<typeof useI18n>['t'], record: HistoryRecord, workflow: string): string {
  const stage = record.from && !OPENINGS.has(record.action) ? record.from : record.to;
  const key = `audit.${record.action}` as MessageKey;
  const label = t(key, {
    stage: stage ? stageName(t, stage, workflow) : '',
    n: Number(record.details?.added ?? 0),
    round: Number(record.details?.round ?? 1),
  });
  return label === key ? record.action : label;
}

/** What a record's details say, in words: amounts, the budget year, a notice's end, an outcome. */
function detailLines(
  i18n: ReturnType<typeof useI18n>,
  record: HistoryRecord,
  names: ReadonlyMap<string, string> | undefined,
): string[] {
  const { t, lang } = i18n;
  const details = record.details ?? {};
  const lines: string[] = [];
  const fen = (value: unknown) => (typeof value === 'number' ? formatFen(value) : undefined);
  if (typeof details.enrolled === 'number') lines.push(t('audit.enrolled', { n: details.enrolled }));
  if (typeof details.entitlementFen === 'number')
    lines.push(
      t('audit.entitlement', {
        amount: formatFen(details.entitlementFen),
        version: String(details.policyVersion ?? ''),
      }),
    );
  const who = typeof details.apprenticeId === 'string' ? names?.get(details.apprenticeId) : undefined;
  if (who) lines.push(t('audit.apprentice', { name: who }));
  if (record.action === 'apprentice.withdrawn' && typeof details.date === 'string')
    lines.push(t('audit.withdrawnOn', { date: formatDate(details.date, lang) }));
  if (record.action === 'apprentice.outcome' && typeof details.outcome === 'string')
    lines.push(
      details.outcome === 'certified'
        ? t('audit.certified', {
            number: String(details.certificateNo ?? ''),
            level: levelName(t, Number(details.certificateLevel)),
          })
        : t('apprentice.not_certified'),
    );
  if (record.action.startsWith('mentor.') && typeof details.to === 'string')
    lines.push(t('audit.mentorChange', { from: String(details.from ?? '—'), to: details.to }));
  if (record.action === 'claim.prepared' || record.action === 'claim.edited') {
    if (fen(details.amountFen)) lines.push(t('audit.claimAmount', { amount: fen(details.amountFen)! }));
    if (typeof details.recoveryFen === 'number' && details.recoveryFen > 0)
      lines.push(t('audit.recovery', { amount: formatFen(details.recoveryFen) }));
  }
  if (record.action === 'claim.approve' && fen(details.amountFen))
    lines.push(
      t('audit.approvedAmount', { amount: fen(details.amountFen)!, year: String(details.budgetYear ?? '') }),
    );
  if (record.action === 'payment.released' && fen(details.paidFen))
    lines.push(t('audit.paid', { amount: fen(details.paidFen)! }));
  if (record.action === 'notice.started' && typeof details.lastDay === 'string')
    lines.push(
      t('audit.noticeUntil', {
        days: Number(details.workingDays ?? 0),
        date: formatDate(details.lastDay, lang),
      }),
    );
  if (record.action === 'task.opened' && typeof details.dueAt === 'string')
    lines.push(t('audit.dueAt', { at: formatInstant(details.dueAt, lang) }));
  return lines;
}

/**
 * The case history: every record of the audit trail, oldest first, with who, when, what and why —
 * of a cohort (`GET /cohorts/{id}/history`) or of a claim (`GET /claims/{id}/history`).
 */
export function Timeline(props: {
  cohortId?: string;
  claimId?: string;
  refreshKey?: unknown;
  /** Apprentice names by id, to say whom a change was about. */
  names?: ReadonlyMap<string, string>;
}) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { api, organisations } = useApp();
  const [loaded, setLoaded] = useState(0);
  const workflow = props.claimId ? 'subsidy-claim' : 'cohort-filing';
  const path = props.claimId ? `/claims/${props.claimId}/history` : `/cohorts/${props.cohortId}/history`;
  const history = useLoad(
    () =>
      api.all<HistoryRecord>(path, setLoaded).then((records) => {
        // Who each user id on the case is (approvals, verification, review name people by id).
        learnActors(records);
        return records;
      }),
    [path, props.refreshKey],
  );
  return (
    <section class="timeline-section" aria-labelledby="history-title">
      <h2 id="history-title">{t('case.history')}</h2>
      {history.loading ? <Progress label={t('audit.loading', { n: loaded })} /> : null}
      {history.error ? <ErrorAlert error={history.error} onRetry={history.reload} /> : null}
      {history.data && history.data.length === 0 ? <p>{t('audit.empty')}</p> : null}
      {history.data ? (
        <ol class="timeline" data-testid="timeline">
          {history.data.map((record) => (
            <li key={record.seq} class={`timeline-item action-${record.action.replace(/[._]/g, '-')}`}>
              <div class="timeline-when">
                <time dateTime={record.at}>{formatInstant(record.at, lang)}</time>
              </div>
              <div class="timeline-what">
                <strong>{actionLabel(t, record, workflow)}</strong>
                {record.to && !OPENINGS.has(record.action) ? (
                  <span class="timeline-state">
                    {' → '}
                    {t(`status.${record.to}` as MessageKey)}
                  </span>
                ) : null}
                <div class="timeline-who">
                  {actorLabel(t, record, (id) => organisationName(organisations, id))}
                </div>
                {record.reason ? (
                  <div class="timeline-reason">
                    {t('audit.reason', {
                      reason:
                        record.action === 'apprentice.withdrawn'
                          ? t(`withdrawReason.${record.reason}` as MessageKey)
                          : record.reason,
                    })}
                  </div>
                ) : null}
                {detailLines(i18n, record, props.names).map((line) => (
                  <div class="timeline-detail" key={line}>
                    {line}
                  </div>
                ))}
                <div class="timeline-chain">
                  {t('audit.chain', { seq: record.seq, hash: record.hash.slice(0, 12) })}
                </div>
              </div>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

/** Why a case was sent back or refused, shown on top of every screen of it. */
export function CaseNotices(props: { cohort: CohortView }) {
  const { t } = useI18n();
  const { cohort } = props;
  return (
    <>
      {cohort.status === 'RETURNED' && cohort.returnReason ? (
        <Alert kind="warning">{t('case.returnReason', { reason: cohort.returnReason })}</Alert>
      ) : null}
      {cohort.status === 'REJECTED' && cohort.rejectReason ? (
        <Alert kind="error">{t('case.rejectReason', { reason: cohort.rejectReason })}</Alert>
      ) : null}
    </>
  );
}
