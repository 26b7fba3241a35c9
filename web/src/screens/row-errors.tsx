/**
 * A file refused whole because of some of its rows (the contribution import, the demand list): one
 * line per problem — the row as people count it (1 is the first line after the header), the
 * column the API's path names (`rows.3.demandRatio`) and the problem in the console's words.
 */
import type { FieldError } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Alert, ScrollRegion } from '../ui.tsx';

export function RowErrors(props: {
  errors: readonly FieldError[];
  title: string;
  summary: string;
  testId: string;
}) {
  const { t, m } = useI18n();
  return (
    <div data-testid={props.testId}>
      <Alert kind="error">{props.summary}</Alert>
      <ScrollRegion label={props.title}>
        <table class="data">
          <caption class="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('employment.row')}</th>
              <th scope="col">{t('employment.column')}</th>
              <th scope="col">{t('employment.problem')}</th>
            </tr>
          </thead>
          <tbody>
            {props.errors.map((error, index) => {
              const [, row, column] = /^rows\.(\d+)\.?(\w*)/.exec(error.path) ?? [];
              return (
                <tr key={`${error.path}-${index}`} data-path={error.path}>
                  <td>{row === undefined ? '—' : Number(row) + 1}</td>
                  <td class="mono">{column || (row === undefined ? error.path || '—' : '—')}</td>
                  <td>{m(error)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
    </div>
  );
}
