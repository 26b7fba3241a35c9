/**
 * The one-time correction notice in the console (issue 14): the reviewer picks, when returning,
 * each field or document kind of the case to correct with a note; the clerk (and, after the
 * resubmission, the reviewer) sees the notice as a checklist whose items are ticked once changed.
 */
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n.ts';

export interface CorrectionTarget {
  /** `path:<field path>` or `doc:<document kind>`. */
  value: string;
  label: string;
}

export interface CorrectionRow {
  target: string;
  note: string;
}

/** What a return sends: the rows with a target and a note. */
export function correctionsBody(rows: readonly CorrectionRow[]) {
  const items = rows
    .filter((row) => row.target && row.note.trim())
    .map((row) =>
      row.target.startsWith('doc:')
        ? { documentKind: row.target.slice(4), note: row.note.trim() }
        : { path: row.target.slice(5), note: row.note.trim() },
    );
  return items.length > 0 ? { corrections: items } : {};
}

/** The reviewer's list of what to correct, edited beside the return's reason. */
export function CorrectionEditor(props: {
  targets: readonly CorrectionTarget[];
  rows: CorrectionRow[];
  onChange: (rows: CorrectionRow[]) => void;
}) {
  const { t } = useI18n();
  const set = (index: number, change: Partial<CorrectionRow>) =>
    props.onChange(props.rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <fieldset class="corrections-editor" data-testid="corrections-editor">
      <legend>{t('corrections.title')}</legend>
      <p class="hint">{t('corrections.hint')}</p>
      {props.rows.map((row, index) => (
        <div class="correction-row" key={index} data-testid="correction-row">
          <label for={`correction-target-${index}`}>{t('corrections.item', { n: index + 1 })}</label>
          <select
            id={`correction-target-${index}`}
            value={row.target}
            onChange={(event) => set(index, { target: (event.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">{t('corrections.pick')}</option>
            {props.targets.map((target) => (
              <option key={target.value} value={target.value}>
                {target.label}
              </option>
            ))}
          </select>
          <label for={`correction-note-${index}`}>{t('corrections.note')}</label>
          <input
            id={`correction-note-${index}`}
            class="objection-input"
            maxLength={500}
            value={row.note}
            onInput={(event) => set(index, { note: (event.currentTarget as HTMLInputElement).value })}
          />
          <button
            type="button"
            class="button-ghost"
            onClick={() => props.onChange(props.rows.filter((_, at) => at !== index))}
          >
            {t('corrections.remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        class="button-secondary"
        data-testid="correction-add"
        onClick={() => props.onChange([...props.rows, { target: '', note: '' }])}
      >
        {t('corrections.add')}
      </button>
    </fieldset>
  );
}

interface NoticeView {
  stage: string;
  round: number;
  at: string;
  items: { path?: string; documentKind?: string; note: string; changed: boolean }[];
}

/** The latest correction notice of a case as a checklist (nothing when it has none). */
export function CorrectionChecklist(props: {
  notice: NoticeView | null | undefined;
  label: (item: { path?: string; documentKind?: string }) => string;
}) {
  const { t } = useI18n();
  const notice = props.notice;
  if (!notice) return null;
  return (
    <section aria-labelledby="corrections-title" data-testid="correction-checklist">
      <h2 id="corrections-title">{t('corrections.title')}</h2>
      <ul class="checklist">
        {notice.items.map((item, index) => (
          <li key={index} data-changed={item.changed ? 'true' : 'false'}>
            <span aria-hidden="true">{item.changed ? '☑' : '☐'}</span> <strong>{props.label(item)}</strong>：
            {item.note}{' '}
            <small class={item.changed ? 'changed' : 'unchanged'}>
              {item.changed ? t('corrections.changed') : t('corrections.unchanged')}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The fields of a cohort a reviewer may name, in words. */
export function cohortTargets(
  t: ReturnType<typeof useI18n>['t'],
  cohort: { apprentices: { name: string }[] },
): CorrectionTarget[] {
  const fields = ['plannedHours', 'agreements', 'enterpriseMentors', 'startDate', 'endDate'];
  return [
    ...fields.map((path) => ({ value: `path:${path}`, label: t(`corrections.field.${path}` as never) })),
    ...cohort.apprentices.flatMap((apprentice, index) =>
      ['contract', 'phone', 'idNumber', 'hireType'].map((part) => ({
        value: `path:apprentices.${index}.${part}`,
        label: `${apprentice.name} · ${t(`corrections.field.${part}` as never)}`,
      })),
    ),
  ];
}

/** The fields and document kinds of a claim a reviewer may name, in words. */
export function claimTargets(t: ReturnType<typeof useI18n>['t']): CorrectionTarget[] {
  return [
    { value: 'path:evidence.feeInvoiceNo', label: t('corrections.field.feeInvoiceNo') },
    { value: 'path:evidence.attendance', label: t('corrections.field.attendance') },
    ...['sign_in_sheet', 'training_video', 'fee_invoice', 'certificate'].map((kind) => ({
      value: `doc:${kind}`,
      label: t(`docKind.${kind}` as never),
    })),
  ];
}

/** An item of a notice in words, from the targets it was picked from (or its path as sent). */
export function targetLabel(targets: readonly CorrectionTarget[]) {
  return (item: { path?: string; documentKind?: string }) => {
    const value = item.path ? `path:${item.path}` : `doc:${item.documentKind}`;
    return targets.find((target) => target.value === value)?.label ?? item.path ?? item.documentKind ?? '';
  };
}

/** The editor's rows, kept by the screen around the decision panel. */
export function useCorrectionRows() {
  return useState<CorrectionRow[]>([]);
}
