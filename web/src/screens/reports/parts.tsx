/**
 * What the dashboard's reports share: their words (both languages, in this lazy chunk rather than
 * the first load), the query in the address, the CSV download and the table of the same figures.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useApp } from '../../context.ts';
import { useI18n } from '../../i18n.ts';
import { navigate, useLocation } from '../../router.tsx';
import { ErrorAlert, ScrollRegion } from '../../ui.tsx';
import { reportsEn } from '../../words/reports-en.ts';
import { type ReportKey, reportsZh } from '../../words/reports-zh.ts';
import { translate } from '../../words.ts';
import { downloadCsv } from '../csv-download.ts';
import { parseReportQuery, type ReportQuery, reportHref } from './query.ts';

export type ReportWords = (key: ReportKey, params?: Record<string, string | number>) => string;

/** The reports' words in the console's language. */
export function useReportWords(): ReportWords {
  const { lang } = useI18n();
  const dictionary = lang === 'en' ? reportsEn : reportsZh;
  return (key, params) => translate<ReportKey>(dictionary, key, params);
}

/** The dashboard's query from the address, and a way to change part of it (the address is replaced). */
export function useReportQuery(): [ReportQuery, (change: Partial<ReportQuery>) => void] {
  const { search } = useLocation();
  const query = parseReportQuery(search);
  const update = (change: Partial<ReportQuery>) =>
    navigate(reportHref({ ...query, ...change }), { replace: true, keepScroll: true });
  return [query, update];
}

/** "下载 CSV" for a report: the same query with `format=csv`, saved as `filename`. */
export function CsvDownload(props: { path: string; filename: string; testId: string }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [downloading, setDownloading] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const download = async () => {
    setDownloading(true);
    setFailure(undefined);
    try {
      await downloadCsv(api, props.path, props.filename);
    } catch (error) {
      setFailure(error);
    } finally {
      setDownloading(false);
    }
  };
  return (
    <>
      <div class="action-row">
        <button
          type="button"
          class="button-secondary"
          disabled={downloading}
          onClick={() => void download()}
          data-testid={props.testId}
        >
          {downloading ? t('report.downloading') : t('report.download')}
        </button>
      </div>
      {failure ? <ErrorAlert error={failure} /> : null}
    </>
  );
}

/**
 * A chart's figures as a real table (caption, column and row headers). Screen readers always have
 * it; on screen it is folded away behind "以表格显示" until asked for, so the chart comes first.
 * Folded, it is visually hidden — still in the accessibility tree — and outside any scrolling
 * region, so no invisible stop is left for the keyboard.
 */
export function FiguresTable(props: {
  caption: string;
  testId: string;
  children: ComponentChildren;
  /** A table that is the view itself (no chart draws it) starts unfolded. */
  shownAtFirst?: boolean;
}) {
  const rt = useReportWords();
  const [shown, setShown] = useState(props.shownAtFirst ?? false);
  const table = (
    <table class="data" data-testid={props.testId}>
      <caption>{props.caption}</caption>
      {props.children}
    </table>
  );
  return (
    <div class="figures">
      <button
        type="button"
        class="button-secondary"
        aria-pressed={shown}
        onClick={() => setShown(!shown)}
        data-testid={`${props.testId}-toggle`}
      >
        {rt('reports.showTable')}
      </button>
      {shown ? (
        <ScrollRegion label={props.caption}>{table}</ScrollRegion>
      ) : (
        <div class="visually-hidden">{table}</div>
      )}
    </div>
  );
}

/** A `<select>` with its label, in the row of filters above a report. */
export function Filter(props: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <label class="inline-field" for={props.id}>
      {props.label}
      <select
        id={props.id}
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
