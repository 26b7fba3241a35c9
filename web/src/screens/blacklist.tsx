/**
 * The district's credit blacklist (失信名单): every bureau role of the district reads it; its
 * administrator lists an enterprise of the district (from, to, reason) and takes one off. While a
 * listing holds, the enterprise submits no cohort or claim (the API decides it, in the
 * submission's own transaction).
 */
import { useState } from 'preact/hooks';
import { says } from '../../../shared/domain/error-codes.ts';
import { ApiError, errorsByPath, type FieldError } from '../api.ts';
import { organisationName, useApp } from '../context.ts';
import { formatDate, formatInstant } from '../format.ts';
import { useI18n } from '../i18n.ts';
import {
  Alert,
  ConfirmDialog,
  ErrorAlert,
  ErrorSummary,
  Field,
  PageHeader,
  type Problem,
  Progress,
  ScrollRegion,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import type { CreditListingView } from './credit-listing.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Where each path of the PUT's body is on the form. */
const FIELD_IDS: Record<string, string> = {
  enterpriseId: 'blacklist-enterprise',
  'path.enterpriseId': 'blacklist-enterprise',
  from: 'blacklist-from',
  to: 'blacklist-to',
  reason: 'blacklist-reason',
};

export function Blacklist() {
  const { t } = useI18n();
  const { api, session } = useApp();
  const [flash, setFlash] = useState<string>();
  const loaded = useLoad(
    async () => (await api.get<{ items: CreditListingView[] }>('/credit-blacklist?limit=100')).items,
    [],
  );
  useFocusHeading(loaded.data ? 'blacklist' : undefined);
  const admin = session.role === 'bureau.admin';
  const changed = (message: string) => {
    setFlash(message);
    loaded.reload();
  };
  return (
    <section data-testid="blacklist">
      <PageHeader title={t('blacklist.title')} subtitle={t('blacklist.subtitle')} />
      {flash ? <Alert kind="success">{flash}</Alert> : null}
      {loaded.error ? (
        <ErrorAlert error={loaded.error} onRetry={loaded.reload} />
      ) : !loaded.data ? (
        <Progress label={t('app.loading')} />
      ) : (
        <ListingTable listings={loaded.data} admin={admin} onChanged={changed} />
      )}
      {admin ? <ListingForm onListed={changed} /> : <p class="hint">{t('blacklist.adminOnly')}</p>}
    </section>
  );
}

function ListingTable(props: {
  listings: CreditListingView[];
  admin: boolean;
  onChanged: (message: string) => void;
}) {
  const { t, lang } = useI18n();
  const { organisations } = useApp();
  if (props.listings.length === 0) {
    return (
      <p class="empty" data-testid="blacklist-empty">
        {t('blacklist.empty')}
      </p>
    );
  }
  return (
    <ScrollRegion label={t('blacklist.title')}>
      <table class="data" data-testid="blacklist-table">
        <caption class="visually-hidden">{t('blacklist.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('case.enterprise')}</th>
            <th scope="col">{t('blacklist.period')}</th>
            <th scope="col">{t('blacklist.reason')}</th>
            <th scope="col">{t('blacklist.state')}</th>
            <th scope="col">{t('blacklist.listedBy')}</th>
            {props.admin ? <th scope="col">{t('col.actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.listings.map((listing) => (
            <tr key={listing.enterpriseId} data-enterprise={listing.enterpriseId}>
              <td>
                {organisationName(organisations, listing.enterpriseId)}
                <br />
                <span class="mono">{listing.enterpriseId}</span>
              </td>
              <td>
                {t('blacklist.dates', {
                  from: formatDate(listing.from, lang),
                  to: formatDate(listing.to, lang),
                })}
              </td>
              <td>{listing.reason}</td>
              <td>{listing.inForce ? t('blacklist.inForce') : t('blacklist.notInForce')}</td>
              <td>
                {listing.listedBy?.username ?? '—'}
                {listing.updatedAt ? (
                  <>
                    <br />
                    <small>{formatInstant(listing.updatedAt, lang)}</small>
                  </>
                ) : null}
              </td>
              {props.admin ? (
                <td>
                  <RemoveListing listing={listing} onRemoved={props.onChanged} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function RemoveListing(props: { listing: CreditListingView; onRemoved: (message: string) => void }) {
  const { t } = useI18n();
  const { api, organisations } = useApp();
  const [open, setOpen] = useState(false);
  const name = organisationName(organisations, props.listing.enterpriseId);
  return (
    <>
      <button
        type="button"
        class="button-secondary"
        data-testid="blacklist-remove"
        aria-label={t('blacklist.removeOf', { name })}
        onClick={() => setOpen(true)}
      >
        {t('blacklist.remove')}
      </button>
      <ConfirmDialog
        open={open}
        title={t('blacklist.remove')}
        tone="danger"
        confirmLabel={t('blacklist.remove')}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          await api.delete(`/credit-blacklist/${props.listing.enterpriseId}`);
          setOpen(false);
          props.onRemoved(t('blacklist.removed', { name }));
        }}
      >
        <p>{t('blacklist.removeConfirm', { name })}</p>
      </ConfirmDialog>
    </>
  );
}

/** The administrator's form: an enterprise of the district, the dates, the reason. */
function ListingForm(props: { onListed: (message: string) => void }) {
  const { t, m } = useI18n();
  const { api, session, organisations } = useApp();
  const enterprises = [...organisations.values()].filter(
    (organisation) => organisation.kind === 'enterprise' && organisation.districtCode === session.orgId,
  );
  const [enterpriseId, setEnterpriseId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  const serverErrors = failure instanceof ApiError ? failure.errors : [];
  const errors = errorsByPath([...checked, ...serverErrors]);
  const errorsAt = (path: string) => [...(errors.get(path) ?? []), ...(errors.get(`path.${path}`) ?? [])];

  /** The console's own checks, worded by the API's codes (the same words as the API's answers). */
  const check = (): FieldError[] => {
    const found: FieldError[] = [];
    const at = (path: string, said: ReturnType<typeof says>) => found.push({ path, ...said });
    if (!enterpriseId) at('enterpriseId', says('field.required'));
    if (!DATE.test(from)) at('from', says('field.not_date'));
    if (!DATE.test(to)) at('to', says('field.not_date'));
    else if (DATE.test(from) && to < from) at('to', says('credit_blacklist.to_before_from'));
    if (!reason.trim()) at('reason', says('credit_blacklist.reason_required'));
    return found;
  };
  const label = (path: string) =>
    ({
      enterpriseId: t('case.enterprise'),
      from: t('blacklist.from'),
      to: t('blacklist.to'),
      reason: t('blacklist.reason'),
    })[path.replace(/^path\./, '')] ?? path;
  const problems: Problem[] = checked.map((error) => ({
    text: t('error.field', { field: label(error.path), message: m(error) }),
    target: FIELD_IDS[error.path],
  }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const found = check();
    setChecked(found);
    if (found.length > 0) {
      setAttempt((value) => value + 1);
      return;
    }
    setBusy(true);
    try {
      await api.put(`/credit-blacklist/${enterpriseId}`, { body: { from, to, reason: reason.trim() } });
      const name = organisationName(organisations, enterpriseId);
      setEnterpriseId('');
      setFrom('');
      setTo('');
      setReason('');
      props.onListed(t('blacklist.listed', { name }));
    } catch (error) {
      setFailure(error);
      setAttempt((value) => value + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form data-testid="blacklist-form" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset class="form-section">
        <legend>{t('blacklist.add')}</legend>
        <div class="form-grid">
          <Field id="blacklist-enterprise" label={t('case.enterprise')} errors={errorsAt('enterpriseId')}>
            {(aria) => (
              <select
                {...aria}
                value={enterpriseId}
                onChange={(event) => setEnterpriseId(event.currentTarget.value)}
              >
                <option value="">{t('blacklist.chooseEnterprise')}</option>
                {enterprises.map((enterprise) => (
                  <option key={enterprise.orgId} value={enterprise.orgId}>
                    {enterprise.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="blacklist-from" label={t('blacklist.from')} errors={errorsAt('from')}>
            {(aria) => (
              <input
                {...aria}
                type="date"
                value={from}
                onInput={(event) => setFrom(event.currentTarget.value)}
              />
            )}
          </Field>
          <Field id="blacklist-to" label={t('blacklist.to')} errors={errorsAt('to')}>
            {(aria) => (
              <input {...aria} type="date" value={to} onInput={(event) => setTo(event.currentTarget.value)} />
            )}
          </Field>
          <Field id="blacklist-reason" label={t('blacklist.reason')} errors={errorsAt('reason')} class="wide">
            {(aria) => (
              <textarea
                {...aria}
                rows={3}
                maxLength={500}
                value={reason}
                onInput={(event) => setReason(event.currentTarget.value)}
              />
            )}
          </Field>
        </div>
      </fieldset>
      <ErrorSummary
        attempt={attempt}
        problems={problems}
        error={failure}
        target={(path) => {
          const id = FIELD_IDS[path];
          return id ? { id, label: label(path) } : undefined;
        }}
      />
      <div class="form-actions">
        <button type="submit" class="button-primary" disabled={busy} data-testid="blacklist-submit">
          {busy ? t('decision.sending') : t('blacklist.submit')}
        </button>
      </div>
    </form>
  );
}
