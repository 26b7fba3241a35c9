/**
 * The inbox's notice, for a bureau reviewer or administrator, of overrides of failed employment
 * checks that another bureau user wrote and that wait for this user's confirmation (four eyes).
 */
import { useApp } from '../context.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.tsx';
import { Alert, useLoad } from '../ui.tsx';

/** The inbox's notice of overrides another bureau user wrote, waiting for this user's confirmation. */
export function PendingOverridesNotice() {
  const { t } = useI18n();
  const { api, session } = useApp();
  const loaded = useLoad(
    async () =>
      (
        await api.get<{ items: { writtenBy: { username: string } }[] }>('/overrides?status=PENDING&limit=100')
      ).items.filter((override) => override.writtenBy.username !== session.username).length,
    [],
  );
  if (!loaded.data) return null; // none waiting, or not read yet
  return (
    <Alert kind="info">
      <Link href="/app/employment" data-testid="pending-overrides">
        {t('employment.pendingInbox', { n: loaded.data })}
      </Link>
    </Alert>
  );
}
