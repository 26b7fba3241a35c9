/**
 * The roster grid: rows typed in or read from a CSV/XLSX file (with a downloadable template),
 * every cell editable, every bad cell marked with its message — from the browser's own check
 * (the shared schemas and rules) or from the API's problem+json `errors[].path` — before anything
 * is saved.
 */
import { useRef, useState } from 'preact/hooks';
import type { FieldError } from '../../../shared/domain/errors.ts';
import { punct, useI18n } from '../i18n.ts';
import {
  cellOfPath,
  decodeCsv,
  emptyRow,
  looksLikeNumberMangledId,
  ROSTER_FIELDS,
  type RosterField,
  type RosterRow,
  rowsFromCsv,
  rowsFromTable,
  TEMPLATE_HEADERS,
  templateCsv,
} from '../roster/model.ts';
import { Alert, ConfirmDialog, Progress, ScrollRegion } from '../ui.tsx';

export interface RosterErrors {
  /** `row.field` → its errors */
  cells: Map<string, FieldError[]>;
  /** row → errors about the row as a whole */
  rows: Map<number, FieldError[]>;
  /** errors about the list */
  list: FieldError[];
}

/** Sorts field errors onto the grid; `prefix` is where the rows sit in the body (`apprentices`). */
export function rosterErrors(errors: readonly FieldError[], prefix = 'apprentices'): RosterErrors {
  const result: RosterErrors = { cells: new Map(), rows: new Map(), list: [] };
  for (const error of errors) {
    if (error.path === prefix) {
      result.list.push(error);
      continue;
    }
    const cell = cellOfPath(error.path, prefix);
    if (!cell) continue;
    if (cell.field) {
      const key = `${cell.row}.${cell.field}`;
      result.cells.set(key, [...(result.cells.get(key) ?? []), error]);
    } else result.rows.set(cell.row, [...(result.rows.get(cell.row) ?? []), error]);
  }
  return result;
}

/** Whether an error path belongs on the grid (so summaries do not list it twice). */
export function isRosterPath(path: string, prefix = 'apprentices'): boolean {
  return path === prefix || cellOfPath(path, prefix) !== undefined;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'reading'; name: string; share: number }
  | { kind: 'parsing'; name: string }
  | { kind: 'done'; name: string; count: number }
  | { kind: 'failed'; name: string; reason: string }
  | { kind: 'kept'; name: string };

export function readFile(file: File, onProgress: (share: number) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsArrayBuffer(file);
  });
}

export function download(name: string, data: BlobPart, type: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const FIELD_LABEL: Record<RosterField, `col.${RosterField}`> = {
  name: 'col.name',
  idNumber: 'col.idNumber',
  phone: 'col.phone',
  hireType: 'col.hireType',
  contractStartDate: 'col.contractStartDate',
  contractEndDate: 'col.contractEndDate',
  enterpriseMentorKey: 'col.enterpriseMentorKey',
};

export function RosterEditor(props: {
  rows: RosterRow[];
  onChange: (rows: RosterRow[]) => void;
  errors: RosterErrors;
  /** Show errors of rows nobody has filled in yet (after a save was tried). */
  showEmptyRowErrors: boolean;
  mentorKeys: string[];
  /** Rows already in the cohort (their numbers continue from here). */
  offset?: number;
}) {
  const { t, m, lang } = useI18n();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [onlyErrors, setOnlyErrors] = useState(false);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const offset = props.offset ?? 0;
  const isEmpty = (row: RosterRow) =>
    ROSTER_FIELDS.every(
      (field) => field === 'hireType' || field === 'enterpriseMentorKey' || row[field].trim() === '',
    );
  const visibleErrors = (index: number) => props.showEmptyRowErrors || !isEmpty(props.rows[index]!);
  const cellErrors = (index: number, field: RosterField) =>
    visibleErrors(index) ? (props.errors.cells.get(`${index}.${field}`) ?? []) : [];
  const rowHasErrors = (index: number) =>
    ROSTER_FIELDS.some((field) => cellErrors(index, field).length > 0) ||
    (visibleErrors(index) && (props.errors.rows.get(index)?.length ?? 0) > 0);
  const errorCount = props.rows.reduce(
    (total, _row, index) =>
      total +
      ROSTER_FIELDS.reduce((sum, field) => sum + cellErrors(index, field).length, 0) +
      (visibleErrors(index) ? (props.errors.rows.get(index)?.length ?? 0) : 0),
    0,
  );

  const update = (index: number, field: RosterField, value: string) => {
    props.onChange(props.rows.map((row, i) => (i === index ? { ...row, [field]: value } : row)));
  };

  /** A file read while the roster already has rows: it replaces them once the person agrees. */
  const [replacing, setReplacing] = useState<{ name: string; rows: RosterRow[]; existing: number }>();

  const importFile = async (file: File) => {
    const name = file.name;
    try {
      setPhase({ kind: 'reading', name, share: 0 });
      const bytes = await readFile(file, (value) => setPhase({ kind: 'reading', name, share: value })).catch(
        () => {
          throw new Error(t('roster.unreadable'));
        },
      );
      setPhase({ kind: 'parsing', name });
      let imported: ReturnType<typeof rowsFromTable>;
      if (/\.xls[xm]$/i.test(name)) {
        const { readXlsx } = await import('../roster/xlsx.ts');
        try {
          imported = rowsFromTable(readXlsx(bytes));
        } catch {
          // The reader's own reasons are in English (and for developers): say it in the console's words.
          throw new Error(t('roster.notSpreadsheet'));
        }
      } else if (/\.xls$/i.test(name)) {
        throw new Error(t('roster.oldExcel'));
      } else {
        imported = rowsFromCsv(decodeCsv(bytes));
      }
      if (imported.missing.length > 0) {
        throw new Error(
          t('roster.unknownHeader', {
            columns: imported.missing.map((field) => t(FIELD_LABEL[field])).join(punct().enum),
          }),
        );
      }
      const existing = props.rows.filter((row) => !isEmpty(row)).length;
      if (existing > 0) {
        setReplacing({ name, rows: imported.rows, existing });
        setPhase({ kind: 'idle' });
      } else {
        props.onChange(imported.rows);
        setPhase({ kind: 'done', name, count: imported.rows.length });
      }
    } catch (error) {
      setPhase({ kind: 'failed', name, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const downloadXlsx = async () => {
    const { writeXlsx } = await import('../roster/xlsx.ts');
    const header = TEMPLATE_HEADERS[lang];
    download(
      lang === 'zh-CN' ? '学徒名单模板.xlsx' : 'roster-template.xlsx',
      writeXlsx({
        sheetName: lang === 'zh-CN' ? '学徒名单' : 'Roster',
        header,
        listColumn: { index: 3, values: lang === 'zh-CN' ? ['新招用', '转岗'] : ['new_hire', 'transfer'] },
      }) as BlobPart,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
  };

  return (
    <div class="roster">
      <fieldset
        class={`dropzone ${dragging ? 'dropzone-active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          const file = event.dataTransfer?.files[0];
          if (file) void importFile(file);
        }}
      >
        <legend class="visually-hidden">{t('roster.upload')}</legend>
        <div>
          {/* The input first: the label after it shows the keyboard focus (styles.css .file-picker). */}
          <span class="file-picker">
            <input
              ref={fileInput}
              id="roster-file"
              class="visually-hidden"
              type="file"
              accept=".csv,.xlsx,.xlsm,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby="roster-file-hint"
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                if (file) void importFile(file);
              }}
            />
            <label class="button button-secondary" for="roster-file">
              {t('roster.choose')}
            </label>
          </span>{' '}
          <span>{t('roster.drop')}</span>
        </div>
        <small id="roster-file-hint">{t('roster.uploadHint')}</small>
        <div class="templates">
          {t('roster.template')}
          <button
            type="button"
            class="link-button"
            onClick={() =>
              download(
                lang === 'zh-CN' ? '学徒名单模板.csv' : 'roster-template.csv',
                templateCsv(lang),
                'text/csv;charset=utf-8',
              )
            }
          >
            {t('roster.templateCsv')}
          </button>
          {' · '}
          <button type="button" class="link-button" onClick={() => void downloadXlsx()}>
            {t('roster.templateXlsx')}
          </button>
        </div>
        <small class="hint">{t('roster.columns')}</small>
      </fieldset>
      {phase.kind === 'reading' ? (
        <Progress label={t('roster.reading', { name: phase.name })} value={phase.share} />
      ) : null}
      {phase.kind === 'parsing' ? <Progress label={t('roster.parsing', { name: phase.name })} /> : null}
      {phase.kind === 'done' ? (
        <Alert kind="info">{t('roster.imported', { name: phase.name, n: phase.count })}</Alert>
      ) : null}
      {phase.kind === 'failed' ? (
        <Alert kind="error">{t('roster.badFile', { name: phase.name, reason: phase.reason })}</Alert>
      ) : null}
      {phase.kind === 'kept' ? <Alert kind="info">{t('roster.kept', { name: phase.name })}</Alert> : null}
      <ConfirmDialog
        open={replacing !== undefined}
        title={t('roster.replaceTitle')}
        confirmLabel={t('roster.replace')}
        onClose={() => {
          if (replacing) setPhase({ kind: 'kept', name: replacing.name });
          setReplacing(undefined);
        }}
        onConfirm={async () => {
          if (!replacing) return;
          props.onChange(replacing.rows);
          setPhase({ kind: 'done', name: replacing.name, count: replacing.rows.length });
          setReplacing(undefined);
        }}
      >
        <p>
          {replacing
            ? t('roster.replaceConfirm', {
                name: replacing.name,
                n: replacing.rows.length,
                existing: replacing.existing,
              })
            : null}
        </p>
      </ConfirmDialog>

      <div class="toolbar">
        <span data-testid="roster-count">
          {t('roster.count', { n: props.rows.filter((row) => !isEmpty(row)).length })}
        </span>
        <span
          class={errorCount ? 'error-count' : 'ok-count'}
          data-testid="roster-error-count"
          aria-live="polite"
        >
          {errorCount ? t('roster.errors', { n: errorCount }) : props.rows.length ? t('roster.noErrors') : ''}
        </span>
        <label class="checkbox">
          <input
            type="checkbox"
            checked={onlyErrors}
            onChange={(event) => setOnlyErrors(event.currentTarget.checked)}
          />
          {t('roster.onlyErrors')}
        </label>
        <button
          type="button"
          class="button-secondary"
          onClick={() => props.onChange([...props.rows, emptyRow(props.mentorKeys[0] ?? '')])}
        >
          {t('roster.addRow')}
        </button>
        {props.rows.length ? (
          <button type="button" class="button-ghost" onClick={() => props.onChange([])}>
            {t('roster.clear')}
          </button>
        ) : null}
      </div>
      {props.errors.list.length ? (
        <Alert kind="error">
          {props.errors.list
            .map((message) => t('roster.listProblem', { message: m(message) }))
            .join(punct().semi)}
        </Alert>
      ) : null}
      {props.rows.length ? (
        <ScrollRegion label={t('form.roster')} class="roster-scroll">
          <table class="grid" data-testid="roster-grid">
            <thead>
              <tr>
                <th scope="col">{t('col.index')}</th>
                {ROSTER_FIELDS.map((field) => (
                  <th scope="col" key={field}>
                    {t(FIELD_LABEL[field])}
                  </th>
                ))}
                <th scope="col">
                  <span class="visually-hidden">{t('col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row, index) => {
                if (onlyErrors && !rowHasErrors(index)) return null;
                const number = offset + index + 1;
                const rowMessages = visibleErrors(index) ? (props.errors.rows.get(index) ?? []) : [];
                return (
                  <tr key={row.key} class={rowHasErrors(index) ? 'row-invalid' : ''} data-row={index}>
                    <th scope="row">
                      {number}
                      {rowMessages.length ? (
                        <small class="error-text" role="note">
                          {rowMessages.map(m).join(punct().semi)}
                        </small>
                      ) : null}
                    </th>
                    {ROSTER_FIELDS.map((field) => {
                      const errors = cellErrors(index, field);
                      const id = `cell-${row.key}-${field}`;
                      const label = t('roster.rowLabel', { n: number, column: t(FIELD_LABEL[field]) });
                      const messages = errors.map((message) =>
                        field === 'idNumber' && looksLikeNumberMangledId(row.idNumber)
                          ? t('roster.numberId')
                          : m(message),
                      );
                      const common = {
                        id,
                        'aria-label': label,
                        'aria-invalid': errors.length > 0,
                        'aria-describedby': errors.length ? `${id}-error` : undefined,
                        'data-field': field,
                        class: errors.length ? 'invalid' : '',
                      };
                      return (
                        <td key={field} class={`cell-${field}`}>
                          {field === 'hireType' ? (
                            <select
                              {...common}
                              value={row.hireType}
                              onChange={(event) => update(index, field, event.currentTarget.value)}
                            >
                              {['new_hire', 'transfer'].includes(row.hireType) ? null : (
                                <option value={row.hireType}>{row.hireType}</option>
                              )}
                              <option value="new_hire">{t('hireType.new_hire')}</option>
                              <option value="transfer">{t('hireType.transfer')}</option>
                            </select>
                          ) : field === 'enterpriseMentorKey' ? (
                            <select
                              {...common}
                              value={row.enterpriseMentorKey}
                              onChange={(event) => update(index, field, event.currentTarget.value)}
                            >
                              {props.mentorKeys.includes(row.enterpriseMentorKey) ? null : (
                                <option value={row.enterpriseMentorKey}>
                                  {row.enterpriseMentorKey || t('common.select')}
                                </option>
                              )}
                              {props.mentorKeys.map((key) => (
                                <option key={key} value={key}>
                                  {key}
                                </option>
                              ))}
                            </select>
                          ) : (
                            <input
                              {...common}
                              type="text"
                              inputMode={field === 'phone' ? 'numeric' : undefined}
                              placeholder={
                                field.endsWith('Date')
                                  ? field === 'contractEndDate'
                                    ? t('common.openEnded')
                                    : 'YYYY-MM-DD'
                                  : undefined
                              }
                              value={row[field]}
                              onInput={(event) => update(index, field, event.currentTarget.value)}
                            />
                          )}
                          {messages.length ? (
                            <small class="error-text" id={`${id}-error`}>
                              {messages.join(punct().semi)}
                            </small>
                          ) : null}
                        </td>
                      );
                    })}
                    <td>
                      <button
                        type="button"
                        class="button-ghost small"
                        aria-label={t('roster.removeRow', { n: number })}
                        onClick={() => props.onChange(props.rows.filter((_, i) => i !== index))}
                      >
                        {t('common.remove')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      ) : null}
    </div>
  );
}
