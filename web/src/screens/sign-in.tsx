/**
 * Signing in: the button goes to the OIDC issuer's sign-in page (found by discovery; code flow with
 * PKCE) — Cognito's hosted sign-in on AWS, a bureau's identity provider, or in the embedded runtime
 * the dev issuer's page, where a person picks one of the seeded users.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleConfig } from '../config.ts';
import { useI18n } from '../i18n.ts';
import { completeSignIn, type Session, startSignIn } from '../session.ts';
import { Alert, Progress } from '../ui.tsx';

export function SignIn(props: { config: ConsoleConfig; expired: boolean }) {
  const { t, lang, setLang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();

  const go = () => {
    setBusy(true);
    setFailure(undefined);
    startSignIn(props.config, `${location.pathname}${location.search}`, lang).catch((error: unknown) => {
      setBusy(false);
      setFailure(error instanceof Error ? error.message : String(error));
    });
  };

  return (
    <main class="sign-in" id="main">
      <div class="sign-in-card">
        <div class="sign-in-top">
          <h1>{t('app.name')}</h1>
          <button
            type="button"
            class="button-ghost"
            aria-label={t('nav.switchLanguageLabel')}
            onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
          >
            {t('nav.switchLanguage')}
          </button>
        </div>
        <h2>{t('signIn.title')}</h2>
        {props.expired ? <Alert kind="warning">{t('signIn.expired')}</Alert> : null}
        {failure ? <Alert kind="error">{t('signIn.failed', { reason: failure })}</Alert> : null}
        <div>
          <p>{t('signIn.hostedHint')}</p>
          <button type="button" class="button-primary" data-testid="sign-in" disabled={busy} onClick={go}>
            {t('signIn.hosted')}
          </button>
          {busy ? <Progress label={t('app.loading')} /> : null}
        </div>
      </div>
    </main>
  );
}

export function HostedCallback(props: {
  config: ConsoleConfig;
  onSignedIn: (session: Session, returnTo: string) => void;
}) {
  const { t } = useI18n();
  const [failure, setFailure] = useState<string>();
  // Runs once, on arrival from the sign-in page.
  useEffect(() => {
    completeSignIn(props.config, new URL(location.href)).then(
      ({ session, returnTo }) => props.onSignedIn(session, returnTo),
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  }, []);
  return (
    <main class="centered" id="main">
      {failure ? (
        <Alert kind="error">{t('signIn.failed', { reason: failure })}</Alert>
      ) : (
        <Progress label={t('signIn.callback')} />
      )}
    </main>
  );
}
