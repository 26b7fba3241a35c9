/**
 * A list the API pages by cursor (`GET /cohorts`, `GET /claims`): a status filter, how many are
 * shown, the table in its own scrolling region, "load more" while the API has a next page — and
 * read again at each refresh (focus, a click on the open page's menu item, every minute), as far
 * as it had been read, so what a person sees is never older than a minute.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Page } from '../api.ts';
import { useApp } from '../context.ts';
import { type MessageKey, useI18n } from '../i18n.ts';
import { onRefresh } from '../refresh.ts';
import { ErrorAlert, Progress, ScrollRegion } from '../ui.tsx';

const PAGE_SIZE = 25;
/** The most a refresh asks for in one page (the API's largest page). */
const MAX_PAGE = 100;

export function PagedList<T>(props: {
  /** The list's path without query (`/cohorts`). */
  path: string;
  /** The statuses offered in the filter, in their order. */
  statuses: readonly string[];
  filterId: string;
  /** The table's name (its scrolling region's label) and test id. */
  label: string;
  testId: string;
  empty: string;
  /** The header row's cells. */
  head: ComponentChildren;
  row: (item: T) => JSX.Element;
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  const shown = useRef(0);
  shown.current = items.length;

  /** Reads a page; `replace` starts the list afresh (a new filter, a refresh), else appends. */
  const fetchPage = (after: string | null, replace: boolean, limit = PAGE_SIZE, quiet = false) => {
    const mine = ++generation.current;
    if (!quiet) setLoading(true);
    setError(undefined);
    const query = new URLSearchParams({ limit: String(limit) });
    if (status) query.set('status', status);
    if (after) query.set('cursor', after);
    api.get<Page<T>>(`${props.path}?${query}`).then(
      (page) => {
        if (mine !== generation.current) return;
        setItems((previous) => (replace ? page.items : [...previous, ...page.items]));
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(failure);
        setLoading(false);
      },
    );
  };

  // From the first page when the filter changes or a retry is asked for.
  useEffect(() => fetchPage(null, true), [status, attempt]);
  // A refresh reads as many as are shown (up to one large page) and replaces them.
  useEffect(
    () =>
      onRefresh(() => fetchPage(null, true, Math.min(MAX_PAGE, Math.max(PAGE_SIZE, shown.current)), true)),
    [status],
  );

  return (
    <>
      <div class="toolbar">
        <label for={props.filterId}>{t('cohorts.filter')}</label>
        <select id={props.filterId} value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
          <option value="">{t('cohorts.all')}</option>
          {props.statuses.map((value) => (
            <option key={value} value={value}>
              {t(`status.${value}` as MessageKey)}
            </option>
          ))}
        </select>
        <span class="count" aria-live="polite">
          {t('cohorts.shown', { n: items.length })}
        </span>
      </div>
      {error ? <ErrorAlert error={error} onRetry={() => setAttempt((value) => value + 1)} /> : null}
      <ScrollRegion label={props.label}>
        <table class="data" data-testid={props.testId}>
          <thead>
            <tr>{props.head}</tr>
          </thead>
          <tbody>{items.map(props.row)}</tbody>
        </table>
      </ScrollRegion>
      {loading ? <Progress label={t('common.loadingCount', { n: items.length })} /> : null}
      {!loading && items.length === 0 && !error ? <p class="empty">{props.empty}</p> : null}
      {!loading && cursor ? (
        <button type="button" class="button-secondary" onClick={() => fetchPage(cursor, false)}>
          {t('common.loadMore')}
        </button>
      ) : null}
    </>
  );
}
