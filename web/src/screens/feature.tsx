/**
 * Places kept for the claims pass (issue 3: claims, the treasurer's payment queue, the budget
 * dashboard). Their menu entries appear only once the server answers their routes; until then a
 * URL typed by hand says the feature is not offered yet. Nothing here is made-up data: when the
 * claims API answers, this lists what it returns, and the full screens come with the next pass.
 */
import { useApp } from '../context.ts';
import { formatFen } from '../format.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { Alert, ErrorAlert, PageHeader, Progress, useFocusHeading, useLoad } from '../ui.tsx';

interface ClaimSummary {
  claimId: string;
  cohortId: string;
  kind: string;
  status: string;
  amountFen?: number;
}

export function FeatureScreen(props: { feature: 'claims' | 'payments' | 'budget' }) {
  const { t } = useI18n();
  const { features } = useApp();
  const title = t(`feature.title.${props.feature}` as MessageKey);
  useFocusHeading(props.feature);
  return (
    <section data-testid={`feature-${props.feature}`}>
      <PageHeader title={title} />
      {!features[props.feature] ? (
        <Alert kind="info">{t('feature.unavailable', { feature: title })}</Alert>
      ) : props.feature === 'claims' ? (
        <ClaimList />
      ) : (
        <Alert kind="info">{t('feature.pending')}</Alert>
      )}
    </section>
  );
}

function ClaimList() {
  const { t } = useI18n();
  const { api } = useApp();
  const claims = useLoad(() => api.all<ClaimSummary>('/claims'), []);
  if (claims.loading) return <Progress label={t('app.loading')} />;
  if (claims.error) return <ErrorAlert error={claims.error} onRetry={claims.reload} />;
  return (
    <>
      <Alert kind="info">{t('feature.pending')}</Alert>
      <div class="table-scroll">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">{t('feature.claimId')}</th>
              <th scope="col">{t('inbox.case')}</th>
              <th scope="col">{t('feature.kind')}</th>
              <th scope="col">{t('col.status')}</th>
              <th scope="col">{t('feature.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {(claims.data ?? []).map((claim) => (
              <tr key={claim.claimId}>
                <td class="mono">{claim.claimId}</td>
                <td class="mono">{claim.cohortId}</td>
                <td>{claim.kind}</td>
                <td>{claim.status}</td>
                <td class="money">{claim.amountFen === undefined ? '—' : formatFen(claim.amountFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
