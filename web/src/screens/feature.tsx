/**
 * What a claims screen (claims, the treasurer's payment queue, the budget dashboard) says when the
 * server does not answer its routes (an API without the claims pass): the menu hides them, and a
 * URL typed by hand lands here rather than on a screen whose every request would fail.
 */
import { type MessageKey, useI18n } from '../i18n.ts';
import { Alert, PageHeader, useFocusHeading } from '../ui.tsx';

export function FeatureScreen(props: { feature: 'claims' | 'payments' | 'budget' }) {
  const { t } = useI18n();
  const title = t(`feature.title.${props.feature}` as MessageKey);
  useFocusHeading(props.feature);
  return (
    <section data-testid={`feature-${props.feature}`}>
      <PageHeader title={title} />
      <Alert kind="info">{t('feature.unavailable', { feature: title })}</Alert>
    </section>
  );
}
