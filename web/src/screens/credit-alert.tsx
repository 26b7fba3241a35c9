/**
 * The enterprise's own listing on its district's credit blacklist (失信名单), said on every
 * screen of its clerk and signatory: while it holds (or before it starts) nothing can be submitted.
 */
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { formatDate, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Alert } from '../ui.tsx';
import type { CreditListingView } from './credit-listing.ts';

export function CreditAlert() {
  const { t, lang } = useI18n();
  const { api, session, systemNow } = useApp();
  const [listing, setListing] = useState<CreditListingView>();
  const enterprise = session.role === 'enterprise.clerk' || session.role === 'enterprise.signatory';
  useEffect(() => {
    if (!enterprise) return;
    let live = true;
    // A server without the blacklist (or a failed read) shows nothing: the submission still says why.
    Promise.all([api.get<{ items: CreditListingView[] }>('/credit-blacklist'), systemNow()]).then(
      ([page, now]) => {
        const today = todayInChina(now);
        // In force now, or yet to start; one that has ended says nothing any more.
        const shown = page.items.find((item) => item.inForce) ?? page.items.find((item) => item.from > today);
        if (live) setListing(shown);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [enterprise]);
  if (!listing) return null;
  const dates = { from: formatDate(listing.from, lang), to: formatDate(listing.to, lang) };
  return (
    <div data-testid="credit-alert" data-in-force={String(listing.inForce)}>
      <Alert kind={listing.inForce ? 'error' : 'warning'}>
        <strong>{t(listing.inForce ? 'blacklist.alertTitle' : 'blacklist.alertUpcomingTitle')}</strong>{' '}
        {t(listing.inForce ? 'blacklist.alert' : 'blacklist.alertUpcoming', dates)}{' '}
        {t('blacklist.alertReason', { reason: listing.reason })}
      </Alert>
    </div>
  );
}
