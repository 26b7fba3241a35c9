import { useRef, useState } from 'preact/hooks';
import { punct, useI18n } from '../i18n.ts';
import {
  type ImportedMentor,
  type MentorImport,
  type MentorSide,
  mentorsFromCsv,
  mentorsFromTable,
  mentorTemplateCsv,
} from '../roster/mentors.ts';
import { decodeCsv } from '../roster/model.ts';
import { Alert } from '../ui.tsx';
import { download, readFile } from './roster-editor.tsx';

type Outcome =
  | { kind: 'added'; name: string; added: number; skipped: number }
  | { kind: 'failed'; name: string; reason: string };

/**
 * Adds mentors in bulk from a file (CSV, or the first sheet of an .xlsx): the enterprise's in the
 * cohort form, the school's at enrolment. They land in the form's table for review; `onImport`
 * says how many were added and how many were already there.
 */
export function MentorFileImport(props: {
  id: string;
  side: MentorSide;
  onImport: (mentors: ImportedMentor[]) => { added: number; skipped: number };
}) {
  const { t, lang } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<Outcome>();
  const columns = (imported: MentorImport) =>
    imported.missing
      .map((column) =>
        t(
          column === 'name'
            ? 'form.mentorName'
            : column === 'skillLevel'
              ? 'form.skillLevel'
              : props.side === 'school'
                ? 'enrol.teacherNo'
                : 'form.employeeNo',
        ),
      )
      .join(punct().enum);

  const importFile = async (file: File) => {
    const name = file.name;
    try {
      const bytes = await readFile(file, () => undefined).catch(() => {
        throw new Error(t('roster.unreadable'));
      });
      let imported: MentorImport;
      if (/\.xls[xm]$/i.test(name)) {
        const { readXlsx } = await import('../roster/xlsx.ts');
        try {
          imported = mentorsFromTable(readXlsx(bytes), props.side);
        } catch {
          throw new Error(t('roster.notSpreadsheet'));
        }
      } else if (/\.xls$/i.test(name)) {
        throw new Error(t('roster.oldExcel'));
      } else {
        imported = mentorsFromCsv(decodeCsv(bytes), props.side);
      }
      if (imported.missing.length > 0)
        throw new Error(t('mentorFile.missing', { columns: columns(imported) }));
      if (imported.mentors.length === 0) throw new Error(t('mentorFile.empty'));
      setOutcome({ kind: 'added', name, ...props.onImport(imported.mentors) });
    } catch (error) {
      setOutcome({ kind: 'failed', name, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      if (input.current) input.current.value = '';
    }
  };

  return (
    <div class="mentor-file">
      {/* The input first: the label after it shows the keyboard focus (styles.css .file-picker). */}
      <span class="file-picker">
        <input
          ref={input}
          id={props.id}
          class="visually-hidden"
          type="file"
          accept=".csv,.xlsx,.xlsm,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-describedby={`${props.id}-hint`}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) void importFile(file);
          }}
        />
        <label class="button button-secondary" for={props.id}>
          {t('mentorFile.choose')}
        </label>
      </span>{' '}
      <small id={`${props.id}-hint`}>
        {t(props.side === 'school' ? 'mentorFile.hintSchool' : 'mentorFile.hintEnterprise')}{' '}
        <button
          type="button"
          class="link-button"
          onClick={() =>
            download(
              t(
                props.side === 'school'
                  ? 'mentorFile.templateNameSchool'
                  : 'mentorFile.templateNameEnterprise',
              ),
              mentorTemplateCsv(props.side, lang),
              'text/csv;charset=utf-8',
            )
          }
        >
          {t('mentorFile.template')}
        </button>
      </small>
      {outcome?.kind === 'added' ? (
        <Alert kind="success">
          <span data-testid={`${props.id}-result`}>
            {t('mentorFile.added', { name: outcome.name, n: outcome.added })}
            {outcome.skipped > 0 ? t('mentorFile.skipped', { n: outcome.skipped }) : ''}
            {t('mentorFile.review')}
          </span>
        </Alert>
      ) : outcome?.kind === 'failed' ? (
        <Alert kind="error">{t('mentorFile.failed', { name: outcome.name, reason: outcome.reason })}</Alert>
      ) : null}
    </div>
  );
}
