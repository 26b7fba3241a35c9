/**
 * Small building blocks every screen uses: headings, alerts, progress, fields with their error
 * messages, status badges, a confirm dialog on the native `<dialog>` (focus and Escape come free),
 * and a hook for loading data.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, NoAnswer } from './api.ts';
import type { Coded } from './error-words.ts';
import { type I18n, type MessageKey, punct, useI18n } from './i18n.ts';
import { onRefresh } from './refresh.ts';
import { hasNavigated, Link } from './router.tsx';

export function PageHeader(props: {
  title: string;
  children?: ComponentChildren;
  subtitle?: ComponentChildren;
}) {
  return (
    <header class="page-header">
      <div>
        <h1 tabIndex={-1} id="page-title">
          {props.title}
        </h1>
        {props.subtitle ? <p class="subtitle">{props.subtitle}</p> : null}
      </div>
      {props.children ? <div class="page-actions">{props.children}</div> : null}
    </header>
  );
}

export function Alert(props: {
  kind: 'error' | 'info' | 'success' | 'warning';
  children: ComponentChildren;
  id?: string;
  /** May take focus from script (a summary of problems after a failed save). */
  focusable?: boolean;
}) {
  return (
    <div
      class={`alert alert-${props.kind}`}
      role={props.kind === 'error' ? 'alert' : 'status'}
      id={props.id}
      tabIndex={props.focusable ? -1 : undefined}
      data-testid={`alert-${props.kind}`}
    >
      {props.children}
    </div>
  );
}

/** A labelled progress bar; without a value it shows activity only. */
export function Progress(props: { label: string; value?: number | undefined }) {
  const percent =
    props.value === undefined ? undefined : Math.round(Math.min(1, Math.max(0, props.value)) * 100);
  return (
    <div class="progress" role="status" aria-live="polite">
      <span class="progress-label">
        {props.label}
        {percent === undefined ? '' : ` ${percent}%`}
      </span>
      {percent === undefined ? (
        <progress aria-label={props.label} />
      ) : (
        <progress aria-label={props.label} max={100} value={percent} />
      )}
    </div>
  );
}

export function StatusBadge(props: { status: string }) {
  const { t } = useI18n();
  return (
    <span class={`badge badge-${props.status.toLowerCase()}`} data-status={props.status}>
      {t(`status.${props.status}` as MessageKey)}
    </span>
  );
}

/** A form field: label, the control, a hint and the field's error messages (linked for screen readers). */
export function Field(props: {
  id: string;
  label: string;
  errors?: readonly Coded[] | undefined;
  hint?: string | undefined;
  children: (aria: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => JSX.Element;
  class?: string;
}) {
  const { m } = useI18n();
  const errors = props.errors ?? [];
  const described = [props.hint ? `${props.id}-hint` : '', errors.length ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field ${errors.length ? 'field-invalid' : ''} ${props.class ?? ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        'aria-invalid': errors.length > 0,
        ...(described ? { 'aria-describedby': described } : {}),
      })}
      {props.hint ? (
        <small class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </small>
      ) : null}
      {errors.length ? (
        <small class="error-text" id={`${props.id}-error`}>
          {errors.map(m).join(punct().semi)}
        </small>
      ) : null}
    </div>
  );
}

/** What went wrong, in the console's words; problem+json field errors listed with their paths. */
export function describeError(
  i18n: I18n,
  error: unknown,
  notFound: MessageKey = 'error.caseNotFound',
): { summary: string; fields: string[] } {
  const { t, m } = i18n;
  if (error instanceof NoAnswer) return { summary: t('error.network'), fields: [] };
  if (error instanceof ApiError) {
    if (error.status === 400 && error.errors.length) {
      return {
        summary: t('error.validation', { n: error.errors.length }),
        fields: error.errors.map((entry) =>
          entry.path ? t('error.field', { field: entry.path, message: m(entry) }) : m(entry),
        ),
      };
    }
    if (error.status === 404) return { summary: t(notFound), fields: [] };
    if (error.status === 409) return { summary: t('error.conflict', { detail: m(error) }), fields: [] };
    if (error.status === 403) return { summary: t('error.forbidden', { detail: m(error) }), fields: [] };
    return { summary: t('error.generic', { message: error.detail || error.title }), fields: [] };
  }
  return {
    summary: t('error.generic', { message: error instanceof Error ? error.message : String(error) }),
    fields: [],
  };
}

export function ErrorAlert(props: { error: unknown; onRetry?: () => void; notFound?: MessageKey }) {
  const i18n = useI18n();
  const { summary, fields } = describeError(i18n, props.error, props.notFound);
  return (
    <Alert kind="error">
      <p>{summary}</p>
      {fields.length ? (
        <ul>
          {fields.map((field) => (
            <li key={field}>{field}</li>
          ))}
        </ul>
      ) : null}
      {props.onRetry ? (
        <button type="button" class="button-secondary" onClick={props.onRetry}>
          {i18n.t('common.reload')}
        </button>
      ) : null}
    </Alert>
  );
}

/**
 * A case that cannot be shown (not found, not the person's, the server refused): a heading a
 * screen reader announces, why, and the way back.
 */
export function Unavailable(props: { error: unknown; back: string; notFound?: MessageKey }) {
  const { t } = useI18n();
  useFocusHeading('unavailable');
  return (
    <section data-testid="case-unavailable">
      <PageHeader title={t('error.unavailableTitle')} />
      <ErrorAlert error={props.error} notFound={props.notFound} />
      <Link href={props.back}>{t('common.back')}</Link>
    </section>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when a dependency changes; `reload()` runs it again. Answers to stale runs are
 * dropped. `live`: also at every refresh (`refresh.ts`: focus, a click on the open page's menu
 * item, every minute), keeping what is shown until the new answer is in.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  options: { live?: boolean } = {},
): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  const quiet = useRef(false);
  // The caller names the dependencies.
  useEffect(() => {
    const mine = ++run.current;
    const silent = quiet.current;
    quiet.current = false;
    if (!silent) setState((previous) => ({ ...previous, loading: true, error: undefined }));
    load().then(
      (data) => {
        if (run.current === mine) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (run.current === mine)
          setState((previous) => ({ data: silent ? previous.data : undefined, error, loading: false }));
      },
    );
  }, [...deps, tick]);
  const live = options.live ?? false;
  useEffect(() => {
    if (!live) return;
    return onRefresh(() => {
      quiet.current = true;
      setTick((value) => value + 1);
    });
  }, [live]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { ...state, reload };
}

/** A problem found before or by a save: what it says, and the id of the field to go to. */
export interface Problem {
  text: string;
  target?: string | undefined;
}

/** Takes a person to a field named in an error summary: opens what hides it, scrolls, focuses. */
export function goToField(id: string): void {
  const element = document.getElementById(id);
  if (!element) return;
  const details = element.closest('details');
  if (details && !details.open) details.open = true;
  element.scrollIntoView({ block: 'center' });
  element.focus({ preventScroll: true });
}

/**
 * What went wrong with the last try, next to the button that tried: a heading, each problem as a
 * link to its field, and — when `attempt` changes (each failed try) — the focus and the view, so a
 * person who clicked at the bottom of a long page sees and hears it there. API field errors come
 * from `error`, linked through `target` when the screen knows the field.
 */
export function ErrorSummary(props: {
  /** A new value at each failed try moves the focus here again. */
  attempt: number;
  problems?: readonly Problem[];
  error?: unknown;
  /** The field an API error path names (`enrolment.3.studentNumber` → its input), if on this screen. */
  target?: (path: string) => { id: string; label?: string } | undefined;
  title?: string;
  id?: string;
  notFound?: MessageKey;
}) {
  const i18n = useI18n();
  const { t, m } = i18n;
  const ref = useRef<HTMLDivElement>(null);
  const problems: Problem[] = [...(props.problems ?? [])];
  let title = props.title;
  if (props.error !== undefined) {
    const error = props.error;
    if (error instanceof ApiError && error.status === 400 && error.errors.length) {
      for (const entry of error.errors) {
        const found = entry.path ? props.target?.(entry.path) : undefined;
        problems.push({
          text: found?.label
            ? t('error.field', { field: found.label, message: m(entry) })
            : entry.path && !found
              ? t('error.field', { field: entry.path, message: m(entry) })
              : m(entry),
          target: found?.id,
        });
      }
      title ??= t('error.validation', { n: error.errors.length });
    } else {
      title = describeError(i18n, error, props.notFound).summary;
    }
  }
  const shown = problems.length > 0 || props.error !== undefined;
  useEffect(() => {
    const element = ref.current;
    if (!element || props.attempt === 0) return;
    element.scrollIntoView({ block: 'center' });
    element.focus({ preventScroll: true });
    // Only a new try moves the focus: fixing one field must not pull it away while typing.
  }, [props.attempt]);
  if (!shown) return null;
  return (
    <div
      ref={ref}
      class="alert alert-error error-summary"
      role="alert"
      tabIndex={-1}
      id={props.id}
      data-testid="error-summary"
    >
      <p>
        <strong>{title ?? t('form.problems', { n: problems.length })}</strong>
      </p>
      {problems.length ? (
        <ul>
          {problems.slice(0, 12).map((problem, index) => (
            <li key={`${index}:${problem.text}`}>
              {problem.target ? (
                <a
                  href={`#${problem.target}`}
                  onClick={(event) => {
                    event.preventDefault();
                    goToField(problem.target!);
                  }}
                >
                  {problem.text}
                </a>
              ) : (
                problem.text
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {problems.length > 12 ? <p>{t('form.moreProblems', { n: problems.length - 12 })}</p> : null}
    </div>
  );
}

/**
 * A wide table in a region of its own that scrolls sideways (the page never does), reachable by
 * keyboard — Tab reaches it, the arrow keys scroll it — and named for screen readers.
 */
export function ScrollRegion(props: { label: string; children: ComponentChildren; class?: string }) {
  const ref = useRef<HTMLElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const measure = () => setScrolls(element.scrollWidth > element.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    // A named <section> is a region landmark.
    <section
      ref={ref}
      class={`table-scroll ${props.class ?? ''}`}
      aria-label={props.label}
      tabIndex={scrolls ? 0 : undefined}
      data-scrolls={scrolls ? 'true' : undefined}
    >
      {props.children}
    </section>
  );
}

/** A modal dialog on `<dialog>`: traps focus, closes on Escape, returns focus where it was. */
export function Dialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby="dialog-title"
      onClose={props.onClose}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
      onKeyDown={(event) => trapFocus(event, ref.current)}
    >
      {props.open ? (
        <div class="dialog-body">
          <h2 id="dialog-title">{props.title}</h2>
          {props.children}
        </div>
      ) : null}
    </dialog>
  );
}

/**
 * Tab and Shift+Tab cycle through the dialog's own controls: a modal dialog alone would let the
 * focus leave it for the browser's toolbar after its last control.
 */
function trapFocus(event: KeyboardEvent, dialog: HTMLDialogElement | null): void {
  if (event.key !== 'Tab' || !dialog) return;
  const focusable = [
    ...dialog.querySelectorAll<HTMLElement>(
      'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
    ),
  ].filter((element) => element.offsetParent !== null || element === document.activeElement);
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !dialog.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * The console's confirmation: a question on a modal dialog, cancel and confirm. `onConfirm` does
 * the work; while it runs the buttons wait, and when it fails (it throws, or returns the problems
 * it found in the dialog's fields) the dialog stays open with an error summary that takes the focus.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  /** Resolves with nothing when done, or with the problems found in the dialog's fields. */
  onConfirm: () => Promise<unknown>;
  confirmLabel?: string;
  tone?: 'primary' | 'danger';
  confirmTestId?: string;
  notFound?: MessageKey;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ error?: unknown; problems?: readonly Problem[] }>();
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (props.open) setFailure(undefined);
  }, [props.open]);
  const confirm = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const problems = await props.onConfirm();
      if (Array.isArray(problems) && problems.length) {
        setFailure({ problems: problems as Problem[] });
        setAttempt((value) => value + 1);
      }
    } catch (error) {
      setFailure({ error });
      setAttempt((value) => value + 1);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose}>
      {props.children}
      <ErrorSummary
        attempt={attempt}
        error={failure?.error}
        problems={failure?.problems}
        notFound={props.notFound}
      />
      <div class="dialog-actions">
        <button type="button" class="button-secondary" onClick={props.onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          class={props.tone === 'danger' ? 'button-danger' : 'button-primary'}
          disabled={busy}
          data-testid={props.confirmTestId ?? 'confirm-dialog'}
          onClick={() => void confirm()}
        >
          {busy ? t('decision.sending') : (props.confirmLabel ?? t('common.confirm'))}
        </button>
      </div>
    </Dialog>
  );
}

/**
 * A mentor's load against the limit: a bar that turns red past it, and the figures in words (the
 * colour is never the only sign).
 */
/**
 * A mentor's load in words — `带教 9 / 8 人（其中其他班 7 人）超出上限` — so that past the limit is
 * said in text, not by the bar's red alone.
 */
export function loadLabel(
  t: (key: MessageKey, params?: Record<string, string | number>) => string,
  n: number,
  max: number,
  elsewhere: number,
): string {
  const base = t('enrol.load', { n, max });
  const part = elsewhere > 0 ? t('common.paren', { text: t('enrol.loadElsewhere', { n: elsewhere }) }) : '';
  return `${base}${part}${n > max ? `${punct().comma}${t('mentor.overLimit')}` : ''}`;
}

export function LoadBar(props: { n: number; max: number; label: string; testId?: string }) {
  const over = props.n > props.max;
  const width = props.max > 0 ? Math.min(100, Math.round((props.n / props.max) * 100)) : 100;
  return (
    <span
      class={`load ${over ? 'load-over' : ''}`}
      data-testid={props.testId}
      data-over={over ? 'true' : undefined}
    >
      <span class="load-bar" aria-hidden="true">
        <span class="load-fill" style={{ width: `${width}%` }} />
      </span>
      <span class="load-text">{props.label}</span>
    </span>
  );
}

/** `n` of `total` done as a share, for `<Progress>`. */
export function share(done: number, total: number): number | undefined {
  return total > 0 ? done / total : undefined;
}

/**
 * Moves focus to the page heading after a move within the console, so keyboard and screen-reader
 * users start there (on a fresh page load the first Tab reaches the skip link instead).
 */
export function useFocusHeading(key: unknown): void {
  useEffect(() => {
    const heading = document.getElementById('page-title');
    if (heading && hasNavigated() && document.activeElement === document.body)
      heading.focus({ preventScroll: true });
  }, [key]);
}
