/**
 * The console's frame: configuration, language, sign-in, then the signed-in shell (top bar, menu
 * for the person's role, the screen of the current route). Each screen checks nothing but its
 * own data: who may open which screen is decided here, from `roles.ts`.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { Api, whenUnauthorised } from './api.ts';
import { type ConsoleConfig, loadConfig } from './config.ts';
import { AppContext, type AppServices, type Features, type Organisation, once } from './context.ts';
import type { Lang } from './format.ts';
import { I18nContext, type MessageKey, makeI18n, storedLang, storeLang, useI18n } from './i18n.ts';
import { learnRegister } from './people.ts';
import { startRefreshing } from './refresh.ts';
import { homeOf, mayOpen, type Screen } from './roles.ts';
import { Link, mayLeave, navigate, parseRoute, type Route, useLocation } from './router.tsx';
import { CohortList } from './screens/cohort-list.tsx';
import { CreditAlert } from './screens/credit-alert.tsx';
import { FeatureScreen } from './screens/feature.tsx';
import { Inbox } from './screens/inbox.tsx';
import { HostedCallback, SignIn } from './screens/sign-in.tsx';
import { forgetSession, readSession, type Session, signOut } from './session.ts';
import { Alert, PageHeader, Progress, useFocusHeading } from './ui.tsx';
import { zh } from './words/zh.ts';
import { type Dictionary, loadDictionary, loadedDictionary } from './words.ts';

export function App() {
  // Chinese is in the first load; English is fetched when chosen (or remembered), and the console
  // shows it only once its words are here, so no screen ever shows a key or the other language.
  const [shown, setShown] = useState<{ lang: Lang; dictionary: Dictionary } | undefined>(() => {
    const dictionary = loadedDictionary(storedLang());
    return dictionary ? { lang: storedLang(), dictionary } : undefined;
  });
  const [wordsError, setWordsError] = useState<string>();
  const choose = useCallback((next: Lang) => {
    loadDictionary(next).then(
      (dictionary) => {
        storeLang(next);
        setShown({ lang: next, dictionary });
      },
      (error: unknown) => setWordsError(String(error)),
    );
  }, []);
  useEffect(() => {
    if (!shown) choose(storedLang());
  }, [shown, choose]);
  const lang = shown?.lang ?? 'zh-CN';
  const i18n = useMemo(() => makeI18n(lang, shown?.dictionary ?? zh, choose), [lang, shown, choose]);
  // Before paint, so the page never says one language while showing the other.
  useLayoutEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.t('app.name');
  }, [lang, i18n]);
  const [config, setConfig] = useState<ConsoleConfig>();
  const [configError, setConfigError] = useState<string>();
  useEffect(() => {
    loadConfig().then(setConfig, (error: unknown) => setConfigError(String(error)));
  }, []);
  return (
    <I18nContext.Provider value={i18n}>
      {config && shown ? (
        <Console config={config} />
      ) : configError || wordsError ? (
        <main class="centered">
          <Alert kind="error">{i18n.t('app.configFailed', { reason: (configError ?? wordsError)! })}</Alert>
        </main>
      ) : (
        <main class="centered">
          <Progress label={i18n.t('app.loading')} />
        </main>
      )}
    </I18nContext.Provider>
  );
}

function Console({ config }: { config: ConsoleConfig }) {
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  const [session, setSession] = useState<Session | undefined>(readSession());
  const [expired, setExpired] = useState(false);
  useEffect(() => {
    whenUnauthorised(() => {
      forgetSession();
      setSession(undefined);
      setExpired(true);
    });
  }, []);

  if (route.name === 'publicNotices') {
    // Anyone, signed in or not: its own light chunk.
    return (
      <Lazy
        load={loadPublicNotices}
        render={(module) => <module.PublicNotices config={config} districtCode={route.districtCode} />}
      />
    );
  }
  if (route.name === 'callback') {
    return (
      <HostedCallback
        config={config}
        onSignedIn={(signedIn, returnTo) => {
          setSession(signedIn);
          navigate(returnTo || homeOf(signedIn.role), { replace: true, arrival: true });
        }}
      />
    );
  }
  if (!session) {
    return <SignIn config={config} expired={expired} />;
  }
  return (
    <SignedIn
      key={session.token}
      config={config}
      session={session}
      route={route}
      onSignOut={() => {
        if (!mayLeave()) return;
        setSession(undefined);
        void signOut(config);
        navigate('/app/sign-in', { leave: true });
      }}
    />
  );
}

function SignedIn(props: { config: ConsoleConfig; session: Session; route: Route; onSignOut: () => void }) {
  const { config, session, route } = props;
  const { t } = useI18n();
  const [services, setServices] = useState<AppServices>();
  const [failure, setFailure] = useState<unknown>();

  useEffect(() => {
    const api = new Api(config, session);
    const load = async () => {
      const year = new Date().getFullYear();
      const bureau = session.role.startsWith('bureau.');
      const city = session.role === 'city.admin';
      const [organisations, claims, budget] = await Promise.all([
        api.all<Organisation>('/organisations'),
        api.probe('/claims?limit=1'),
        bureau ? api.probe(`/budgets/${session.orgId}/${year}`) : Promise.resolve('absent' as const),
      ]);
      const features: Features = {
        claims: claims === 'available',
        payments: claims === 'available' && session.role === 'bureau.treasurer',
        // The municipal bureau has no budget of its own: its dashboard is the city's report and cases.
        budget: budget === 'available' || (city && claims === 'available'),
      };
      learnRegister(config, session);
      setServices({
        config,
        session,
        api,
        systemNow: () => systemNow(config),
        organisations: new Map(organisations.map((organisation) => [organisation.orgId, organisation])),
        features,
        occupations: once(() => api.all('/occupations')),
        policy: once(() => api.get('/policy')),
      });
    };
    load().catch(setFailure);
  }, [config, session]);

  useEffect(() => {
    if (route.name === 'home' || route.name === 'signIn') navigate(homeOf(session.role), { replace: true });
  }, [route.name, session.role]);
  // Lists and inboxes read again on focus, on a click of the open page's menu item, every minute.
  useEffect(() => startRefreshing(), []);

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <TopBar
        session={session}
        organisation={services?.organisations.get(session.orgId)}
        onSignOut={props.onSignOut}
      />
      <div class="layout">
        {services ? (
          <Menu services={services} route={route} />
        ) : (
          <nav class="menu" aria-label={t('nav.label')} />
        )}
        <main id="main" tabIndex={-1}>
          {failure ? (
            <Alert kind="error">{t('error.generic', { message: String(failure) })}</Alert>
          ) : services ? (
            <AppContext.Provider value={services}>
              <CreditAlert />
              <RouteScreen route={route} services={services} />
            </AppContext.Provider>
          ) : (
            <Progress label={t('app.loading')} />
          )}
        </main>
      </div>
    </div>
  );
}

function TopBar(props: { session: Session; organisation: Organisation | undefined; onSignOut: () => void }) {
  const { t, lang, setLang } = useI18n();
  const { session } = props;
  return (
    <header class="topbar">
      <Link class="brand" href={homeOf(session.role)}>
        {t('app.name')}
      </Link>
      <div class="who" data-testid="who">
        <strong>{session.displayName}</strong>
        <span>{t(`role.${session.role}` as MessageKey)}</span>
        <span class="org">{props.organisation?.name ?? session.orgId}</span>
      </div>
      <div class="topbar-actions">
        <button
          type="button"
          class="button-ghost"
          lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}
          aria-label={t('nav.switchLanguageLabel')}
          onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
        >
          {t('nav.switchLanguage')}
        </button>
        <button type="button" class="button-ghost" onClick={props.onSignOut}>
          {t('nav.signOut')}
        </button>
      </div>
    </header>
  );
}

function Menu(props: { services: AppServices; route: Route }) {
  const { t } = useI18n();
  const { session, features } = props.services;
  const entries: { screen: Screen; href: string; label: string; active: boolean; shown: boolean }[] = [
    {
      screen: 'inbox',
      href: '/app/inbox',
      label: t('nav.inbox'),
      active: props.route.name === 'inbox',
      shown: session.role !== 'enterprise.clerk',
    },
    {
      screen: 'policy',
      href: '/app/policy',
      label: t('nav.policy'),
      active: props.route.name === 'policy',
      shown: true,
    },
    {
      screen: 'cohorts',
      href: '/app/cohorts',
      label: t('nav.cohorts'),
      active: ['cohorts', 'cohort', 'cohortEdit', 'enrolment', 'review', 'outcomes', 'claimNew'].includes(
        props.route.name,
      ),
      shown: true,
    },
    {
      screen: 'cohortNew',
      href: '/app/cohorts/new',
      label: t('nav.cohortNew'),
      active: props.route.name === 'cohortNew',
      shown: true,
    },
    // The claims API (issue 3): these appear once the server answers their routes.
    {
      screen: 'claims',
      href: '/app/claims',
      label: t('nav.claims'),
      active: ['claims', 'claim', 'claimEdit', 'claimVerify', 'claimReview'].includes(props.route.name),
      shown: features.claims,
    },
    {
      screen: 'payments',
      href: '/app/payments',
      label: t('nav.payments'),
      active: props.route.name === 'payments',
      shown: features.payments,
    },
    {
      screen: 'budget',
      href: '/app/budget',
      label: session.role === 'city.admin' ? t('nav.cityDashboard') : t('nav.budget'),
      active: props.route.name === 'budget',
      shown: features.budget,
    },
    {
      screen: 'blacklist',
      href: '/app/blacklist',
      label: t('nav.blacklist'),
      active: props.route.name === 'blacklist',
      shown: true,
    },
    {
      screen: 'employment',
      href: '/app/employment',
      label: t('nav.employment'),
      active: props.route.name === 'employment',
      shown: true,
    },
  ];
  return (
    <nav class="menu" aria-label={t('nav.label')}>
      <ul>
        {entries
          .filter((entry) => entry.shown && mayOpen(session.role, entry.screen))
          .map((entry) => (
            <li key={entry.screen}>
              <Link
                href={entry.href}
                aria-current={entry.active ? 'page' : undefined}
                data-testid={`menu-${entry.screen}`}
              >
                {entry.label}
              </Link>
            </li>
          ))}
      </ul>
    </nav>
  );
}

const SCREEN_OF: Partial<Record<Route['name'], Screen>> = {
  inbox: 'inbox',
  cohorts: 'cohorts',
  cohortNew: 'cohortNew',
  cohort: 'cohort',
  cohortEdit: 'cohortEdit',
  enrolment: 'enrolment',
  review: 'review',
  outcomes: 'outcomes',
  claims: 'claims',
  claim: 'claim',
  claimNew: 'claimNew',
  claimEdit: 'claimEdit',
  claimVerify: 'claimVerify',
  claimReview: 'claimReview',
  payments: 'payments',
  budget: 'budget',
  policy: 'policy',
  blacklist: 'blacklist',
  employment: 'employment',
};

function RouteScreen(props: { route: Route; services: AppServices }) {
  const { t } = useI18n();
  const { route } = props;
  const { role } = props.services.session;
  const screen = SCREEN_OF[route.name];
  if (!screen) {
    if (route.name === 'home' || route.name === 'signIn') return <Progress label={t('app.loading')} />;
    return <Blocked title={t('error.pageNotFoundTitle')}>{t('error.pageNotFound')}</Blocked>;
  }
  if (!mayOpen(role, screen)) {
    return (
      <Blocked testId="screen-forbidden" title={t('error.screenForbiddenTitle')}>
        {t('error.screenForbidden', { role: t(`role.${role}` as MessageKey) })}
      </Blocked>
    );
  }
  switch (route.name) {
    case 'inbox':
      return <Inbox />;
    case 'cohorts':
      return <CohortList />;
    case 'cohortNew':
      return <Lazy load={loadForm} render={(module) => <module.CohortNew />} />;
    case 'cohort':
      return <Lazy load={loadCase} render={(module) => <module.CohortCase cohortId={route.cohortId} />} />;
    case 'cohortEdit':
      return <Lazy load={loadForm} render={(module) => <module.CohortEdit cohortId={route.cohortId} />} />;
    case 'enrolment':
      return (
        <Lazy load={loadEnrolment} render={(module) => <module.Enrolment cohortId={route.cohortId} />} />
      );
    case 'review':
      return <Lazy load={loadReview} render={(module) => <module.Review cohortId={route.cohortId} />} />;
    case 'outcomes':
      return <Lazy load={loadClaims} render={(module) => <module.Outcomes cohortId={route.cohortId} />} />;
    case 'claims':
      if (!props.services.features.claims) return <FeatureScreen feature="claims" />;
      return <Lazy load={loadClaims} render={(module) => <module.ClaimList />} />;
    case 'claim':
      return <Lazy load={loadClaims} render={(module) => <module.ClaimCase claimId={route.claimId} />} />;
    case 'claimNew':
      return <Lazy load={loadClaims} render={(module) => <module.ClaimNew cohortId={route.cohortId} />} />;
    case 'claimEdit':
      return <Lazy load={loadClaims} render={(module) => <module.ClaimEdit claimId={route.claimId} />} />;
    case 'claimVerify':
      return <Lazy load={loadClaims} render={(module) => <module.ClaimVerify claimId={route.claimId} />} />;
    case 'claimReview':
      return <Lazy load={loadClaims} render={(module) => <module.ClaimReview claimId={route.claimId} />} />;
    case 'payments':
      if (!props.services.features.payments) return <FeatureScreen feature="payments" />;
      return <Lazy load={loadClaims} render={(module) => <module.Payments />} />;
    case 'budget':
      if (!props.services.features.budget) return <FeatureScreen feature="budget" />;
      return <Lazy load={loadBudget} render={(module) => <module.BudgetDashboard />} />;
    case 'policy':
      return <Lazy load={loadPolicy} render={(module) => <module.PolicyPage />} />;
    case 'blacklist':
      return <Lazy load={loadBlacklist} render={(module) => <module.Blacklist />} />;
    case 'employment':
      return <Lazy load={loadEmployment} render={(module) => <module.EmploymentPage />} />;
    default:
      return <Blocked title={t('error.pageNotFoundTitle')}>{t('error.pageNotFound')}</Blocked>;
  }
}

// The editing and deciding screens bring the shared zod schemas and the domain's arithmetic:
// loaded when first opened, so signing in and reading lists stay light.
const loadForm = () => import('./screens/cohort-form.tsx');
// The cohort page (its decisions, roster editor, changes while FILED) is opened from a list or the inbox.
const loadCase = () => import('./screens/cohort-case/case.tsx');
const loadEnrolment = () => import('./screens/enrolment.tsx');
const loadReview = () => import('./screens/review.tsx');
// The claim screens, the outcomes and the payment queue share one chunk; the dashboard has its own.
const loadClaims = () => import('./screens/claims.ts');
const loadBudget = () => import('./screens/budget.tsx');
const loadPolicy = () => import('./screens/policy.tsx');
const loadBlacklist = () => import('./screens/blacklist.tsx');
const loadEmployment = () => import('./screens/employment.tsx');
const loadPublicNotices = () => import('./screens/public-notices.tsx');

/** The system's time: the embedded runtime's `/health` says it (its clock may be moved); else the browser's. */
async function systemNow(config: ConsoleConfig): Promise<Date> {
  try {
    const response = await fetch(`${config.apiUrl}/health`, { cache: 'no-store' });
    const body = (await response.json()) as { now?: string };
    const now = body.now ? new Date(body.now) : undefined;
    return now && !Number.isNaN(now.getTime()) ? now : new Date();
  } catch {
    return new Date();
  }
}

function Lazy<M>(props: { load: () => Promise<M>; render: (module: M) => JSX.Element }) {
  const { t } = useI18n();
  const [module, setModule] = useState<M>();
  const [failure, setFailure] = useState<unknown>();
  useEffect(() => {
    let live = true;
    props.load().then(
      (loaded) => live && setModule(() => loaded),
      (error: unknown) => live && setFailure(error),
    );
    return () => {
      live = false;
    };
  }, [props.load]);
  if (failure) return <Alert kind="error">{t('error.generic', { message: String(failure) })}</Alert>;
  return module ? props.render(module) : <Progress label={t('app.loading')} />;
}

/** A screen the person may not open, or no screen at all: a heading, why, and the way back. */
function Blocked(props: { children: ComponentChildren; testId?: string; title: string }) {
  const { t, lang } = useI18n();
  useFocusHeading(props.testId ?? 'page-not-found');
  return (
    <section class="blocked" data-testid={props.testId ?? 'page-not-found'} lang={lang}>
      <PageHeader title={props.title} />
      <Alert kind="warning">{props.children}</Alert>
      <p>
        <Link href="/app">{t('common.back')}</Link>
      </p>
    </section>
  );
}
