/**
 * Signing in. In the embedded runtime a person picks one of the seeded users (the dev issuer signs
 * a token for it); on AWS the button goes to Cognito's hosted sign-in (code flow with PKCE).
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleConfig, DemoUserOption } from '../config.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { completeHostedSignIn, type Session, signInAsDemoUser, startHostedSignIn } from '../session.ts';
import { Alert, Progress } from '../ui.tsx';

export function SignIn(props: {
  config: ConsoleConfig;
  expired: boolean;
  onSignedIn: (session: Session) => void;
}) {
  const { t, lang, setLang } = useI18n();
  const [busy, setBusy] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const { auth } = props.config;

  const pick = (username: string) => {
    setBusy(username);
    setFailure(undefined);
    signInAsDemoUser(props.config, username).then(props.onSignedIn, (error: unknown) => {
      setBusy(undefined);
      setFailure(String(error instanceof Error ? error.message : error));
    });
  };

  const groups = new Map<string, DemoUserOption[]>();
  if (auth.kind === 'dev') {
    for (const user of auth.users) groups.set(user.orgName, [...(groups.get(user.orgName) ?? []), user]);
  }

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
        {auth.kind === 'cognito' ? (
          <div>
            <p>{t('signIn.hostedHint')}</p>
            <button
              type="button"
              class="button-primary"
              onClick={() => startHostedSignIn(props.config, `${location.pathname}${location.search}`)}
            >
              {t('signIn.hosted')}
            </button>
          </div>
        ) : (
          <div>
            <p>{t('signIn.pick')}</p>
            <div class="user-groups">
              {[...groups.entries()].map(([orgName, users]) => (
                <section key={orgName} class="user-group" aria-label={orgName}>
                  <h3>{orgName}</h3>
                  <ul>
                    {users.map((user) => (
                      <li key={user.username}>
                        <button
                          type="button"
                          class="user-button"
                          data-user={user.username}
                          disabled={busy !== undefined}
                          onClick={() => pick(user.username)}
                        >
                          <strong>{user.displayName}</strong>
                          <span>{t(`role.${user.role}` as MessageKey)}</span>
                          <code>{user.username}</code>
                        </button>
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
            {busy ? <Progress label={t('app.loading')} /> : null}
          </div>
        )}
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
    completeHostedSignIn(props.config, new URL(location.href)).then(
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
