/**
 * The city's policy (`GET /policy`, `PUT /policy`): subsidy standards, settlement rules and limits
 * are the municipal bureau's, for every district (domain.md, "Parties"). The city's administrator
 * edits the version in force into a new one and publishes it; a district bureau reads it here.
 *
 * The form is drawn from the policy record itself: every number, switch and word of it is a field
 * (named by `policy.field.<path>` where the console has words for it, by its path otherwise), so a
 * value the server adds to the policy appears here without a change to this screen. Lists
 * (holidays) are carried over as they are.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorsByPath, type FieldError } from '../api.ts';
import { organisationName, type Policy, useApp } from '../context.ts';
import { formatDate, formatFen, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { mayPublishPolicy } from '../roles.ts';
import {
  Alert,
  ErrorAlert,
  Field,
  PageHeader,
  Progress,
  ScrollRegion,
  useFocusHeading,
  useLoad,
} from '../ui.tsx';
import { draftPolicy, nextVersion, type PolicyField, policyFields } from './policy-draft.ts';

export function PolicyPage() {
  const { t, lang } = useI18n();
  const { api, session } = useApp();
  const [flash, setFlash] = useState<string>();
  const policy = useLoad(() => api.get<Policy>('/policy'), []);
  useFocusHeading('policy');
  const editable = mayPublishPolicy(session.role);
  const data = policy.data;
  return (
    <section data-testid="policy-page" data-editable={editable ? 'true' : 'false'}>
      <PageHeader
        title={t('policy.title')}
        subtitle={
          data
            ? t('policy.inForce', { version: data.policyVersion, date: formatDate(data.effectiveFrom, lang) })
            : undefined
        }
      />
      <Alert kind="info">{editable ? t('policy.cityPublishes') : t('policy.readOnly')}</Alert>
      {flash ? <Alert kind="success">{flash}</Alert> : null}
      {policy.loading ? <Progress label={t('app.loading')} /> : null}
      {policy.error ? <ErrorAlert error={policy.error} onRetry={policy.reload} /> : null}
      {data && editable ? (
        <PolicyForm
          key={data.policyVersion}
          policy={data}
          onPublished={(published) => {
            setFlash(
              t('policy.published', {
                version: published.policyVersion,
                date: formatDate(published.effectiveFrom, lang),
              }),
            );
            policy.reload();
          }}
        />
      ) : null}
      {data && !editable ? <PolicyFacts policy={data} /> : null}
    </section>
  );
}

function useFieldLabel() {
  const { t, has } = useI18n();
  return (path: string) => {
    const key = `policy.field.${path}`;
    return has(key) ? t(key) : path;
  };
}

/** The words of one of a field's choices (`policy.choice.<path>.<value>`), or the value as stored. */
function useChoiceLabel() {
  const { t, has } = useI18n();
  return (path: string, value: string) => {
    const key = `policy.choice.${path}.${value}`;
    return has(key) ? t(key) : value;
  };
}

function shown(
  t: ReturnType<typeof useI18n>['t'],
  choice: ReturnType<typeof useChoiceLabel>,
  field: PolicyField,
): string {
  if (field.value === undefined) return field.nullable ? t('policy.none') : '—';
  if (field.choices && typeof field.value === 'string') return choice(field.path, field.value);
  if (typeof field.value === 'boolean') return field.value ? t('policy.on') : t('policy.off');
  if (typeof field.value === 'number' && /Fen(\.|$)/.test(field.path))
    return `${field.value} (${formatFen(field.value)})`;
  return String(field.value);
}

/** The district's view: every value of the version in force, read only. */
function PolicyFacts(props: { policy: Policy }) {
  const { t } = useI18n();
  const label = useFieldLabel();
  const choice = useChoiceLabel();
  return (
    <section aria-labelledby="policy-values-title">
      <h2 id="policy-values-title">{t('policy.fields')}</h2>
      <dl class="facts policy-values" data-testid="policy-facts">
        {policyFields(props.policy as unknown as Record<string, unknown>).map((field) => (
          <div key={field.path} class="fact" data-path={field.path}>
            <dt>{label(field.path)}</dt>
            <dd>{shown(t, choice, field)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The city administrator's form: the version in force, edited into a new version and published. */
function PolicyForm(props: { policy: Policy; onPublished: (policy: Policy) => void }) {
  const { t } = useI18n();
  const { api, systemNow } = useApp();
  const label = useFieldLabel();
  const choice = useChoiceLabel();
  const current = props.policy as unknown as Record<string, unknown> &
    Pick<Policy, 'policyVersion' | 'effectiveFrom'>;
  const fields = policyFields(current);
  const [typed, setTyped] = useState<Record<string, string | boolean>>({});
  // Today by the system's clock (the embedded runtime's may be moved), until the administrator picks a date.
  const [picked, setEffectiveFrom] = useState<string>();
  const [today, setToday] = useState(todayInChina());
  useEffect(() => {
    void systemNow().then((now) => setToday(todayInChina(now)));
  }, [systemNow]);
  const effectiveFrom = picked ?? today;
  const [policyVersion, setPolicyVersion] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const version = policyVersion ?? nextVersion(current, effectiveFrom);
  const errors = errorsByPath(failure instanceof ApiError ? failure.errors : []);
  const errorsAt = (path: string): FieldError[] | undefined => errors.get(path);

  const [preview, setPreview] = useState<Preview>();
  const [previewing, setPreviewing] = useState(false);
  const showPreview = async () => {
    setPreviewing(true);
    setFailure(undefined);
    try {
      const body = draftPolicy(current, typed, { policyVersion: version, effectiveFrom });
      setPreview(await previewOf(api, body));
    } catch (error) {
      setPreview(undefined);
      setFailure(error);
    } finally {
      setPreviewing(false);
    }
  };

  const publish = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      const body = draftPolicy(current, typed, { policyVersion: version, effectiveFrom });
      const published = await api.put<Policy>('/policy', { body });
      props.onPublished(published);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form data-testid="policy-form" onSubmit={(event) => void publish(event)} noValidate>
      {failure ? <ErrorAlert error={failure} /> : null}
      <fieldset class="form-section">
        <legend>{t('policy.publish')}</legend>
        <div class="form-grid">
          <Field
            id="policy-effectiveFrom"
            label={t('policy.effectiveFrom')}
            errors={errorsAt('effectiveFrom')}
          >
            {(aria) => (
              <input
                {...aria}
                type="date"
                value={effectiveFrom}
                onInput={(event) => setEffectiveFrom(event.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            id="policy-policyVersion"
            label={t('policy.version')}
            hint={t('policy.versionHint')}
            errors={errorsAt('policyVersion')}
          >
            {(aria) => (
              <input
                {...aria}
                type="text"
                class="mono"
                value={version}
                onInput={(event) => setPolicyVersion(event.currentTarget.value)}
              />
            )}
          </Field>
        </div>
      </fieldset>
      <fieldset class="form-section">
        <legend>{t('policy.fields')}</legend>
        <div class="form-grid">
          {fields.map((field) => {
            const id = `policy-${field.path.replaceAll('.', '-')}`;
            const input = typed[field.path];
            if (typeof field.value === 'boolean') {
              const checked = typeof input === 'boolean' ? input : field.value;
              return (
                <Field key={field.path} id={id} label={label(field.path)} errors={errorsAt(field.path)}>
                  {(aria) => (
                    <input
                      {...aria}
                      type="checkbox"
                      checked={checked}
                      onChange={(event) => setTyped({ ...typed, [field.path]: event.currentTarget.checked })}
                    />
                  )}
                </Field>
              );
            }
            const text =
              typeof input === 'string' ? input : field.value === undefined ? '' : String(field.value);
            if (field.choices) {
              return (
                <Field key={field.path} id={id} label={label(field.path)} errors={errorsAt(field.path)}>
                  {(aria) => (
                    <select
                      {...aria}
                      data-path={field.path}
                      value={text}
                      onChange={(event) => setTyped({ ...typed, [field.path]: event.currentTarget.value })}
                    >
                      {field.choices!.map((value) => (
                        <option key={value} value={value}>
                          {choice(field.path, value)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              );
            }
            const money = /Fen(\.|$)/.test(field.path) && /^\d+$/.test(text);
            return (
              <Field
                key={field.path}
                id={id}
                label={label(field.path)}
                hint={money ? formatFen(Number(text)) : field.nullable ? t('policy.emptyIsNone') : undefined}
                errors={errorsAt(field.path)}
              >
                {(aria) => (
                  <input
                    {...aria}
                    type="text"
                    inputMode={typeof field.value === 'string' ? 'text' : 'numeric'}
                    data-path={field.path}
                    value={text}
                    onInput={(event) => setTyped({ ...typed, [field.path]: event.currentTarget.value })}
                  />
                )}
              </Field>
            );
          })}
        </div>
        <p class="hint">{t('policy.other')}</p>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="button-primary" disabled={busy} data-testid="policy-publish">
          {busy ? t('policy.publishing') : t('policy.publish')}
        </button>
        <button
          type="button"
          disabled={previewing}
          onClick={() => void showPreview()}
          data-testid="policy-preview"
        >
          {previewing ? t('policy.previewing') : t('policy.preview')}
        </button>
      </div>
      {preview ? <PreviewTables preview={preview} /> : null}
    </form>
  );
}

interface Amounts {
  entitlementFen: number;
  advanceFen: number;
}
interface PreviewDistrict {
  districtCode: string;
  cohorts: {
    cohortId: string;
    enterpriseId: string;
    policyVersion: string;
    apprentices: number;
    now: Amounts;
    draft: Amounts;
  }[];
  totals: { now: Amounts; draft: Amounts };
}
interface Preview {
  policyVersion: string;
  districts: PreviewDistrict[];
  /** More open cohorts than the console reads (PREVIEW_PAGES pages of 100). */
  more: boolean;
}

const PREVIEW_PAGES = 10;

/** Every page of `POST /policy/preview` (up to PREVIEW_PAGES), merged by district with its totals. */
async function previewOf(api: ReturnType<typeof useApp>['api'], body: unknown): Promise<Preview> {
  const districts = new Map<string, PreviewDistrict>();
  let cursor: string | null = null;
  let pages = 0;
  let policyVersion = '';
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    // A preview stores nothing: no Idempotency-Key.
    const page: { policyVersion: string; districts: PreviewDistrict[]; nextCursor: string | null } =
      await api.post(`/policy/preview?${query}`, { body, idempotencyKey: undefined });
    policyVersion = page.policyVersion;
    for (const part of page.districts) {
      const district = districts.get(part.districtCode);
      if (!district) {
        districts.set(part.districtCode, part);
        continue;
      }
      district.cohorts.push(...part.cohorts);
      for (const side of ['now', 'draft'] as const) {
        district.totals[side].entitlementFen += part.totals[side].entitlementFen;
        district.totals[side].advanceFen += part.totals[side].advanceFen;
      }
    }
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < PREVIEW_PAGES);
  return { policyVersion, districts: [...districts.values()], more: cursor !== null };
}

/** One table per district: each open cohort now and under the draft, the differences, the totals. */
function PreviewTables(props: { preview: Preview }) {
  const { t } = useI18n();
  const { organisations } = useApp();
  const { preview } = props;
  const cells = (now: Amounts, draft: Amounts) => (
    <>
      <td class="money">{formatFen(now.entitlementFen)}</td>
      <td class="money">{formatFen(draft.entitlementFen)}</td>
      <td class="money">{formatFen(draft.entitlementFen - now.entitlementFen)}</td>
      <td class="money">{formatFen(now.advanceFen)}</td>
      <td class="money">{formatFen(draft.advanceFen)}</td>
      <td class="money">{formatFen(draft.advanceFen - now.advanceFen)}</td>
    </>
  );
  return (
    <section aria-labelledby="policy-preview-title" data-testid="policy-preview-result">
      <h2 id="policy-preview-title">{t('policy.previewTitle', { version: preview.policyVersion })}</h2>
      <p class="hint">{t('policy.previewNote')}</p>
      {preview.districts.length === 0 ? <p class="empty">{t('policy.previewEmpty')}</p> : null}
      {preview.districts.map((district) => {
        const name = organisationName(organisations, district.districtCode);
        return (
          <ScrollRegion key={district.districtCode} label={name}>
            <h3>{name}</h3>
            <table class="data" data-testid="policy-preview-district" data-district={district.districtCode}>
              <thead>
                <tr>
                  <th scope="col">{t('policy.preview.cohort')}</th>
                  <th scope="col">{t('policy.preview.filedUnder')}</th>
                  <th scope="col">{t('policy.preview.apprentices')}</th>
                  <th scope="col">{t('policy.preview.entitlementNow')}</th>
                  <th scope="col">{t('policy.preview.entitlementDraft')}</th>
                  <th scope="col">{t('policy.preview.entitlementDiff')}</th>
                  <th scope="col">{t('policy.preview.advanceNow')}</th>
                  <th scope="col">{t('policy.preview.advanceDraft')}</th>
                  <th scope="col">{t('policy.preview.advanceDiff')}</th>
                </tr>
              </thead>
              <tbody>
                {district.cohorts.map((cohort) => (
                  <tr key={cohort.cohortId} data-cohort={cohort.cohortId}>
                    <th scope="row">
                      {organisationName(organisations, cohort.enterpriseId)}{' '}
                      <span class="mono">{cohort.cohortId.slice(-6)}</span>
                    </th>
                    <td class="mono">{cohort.policyVersion}</td>
                    <td class="number">{cohort.apprentices}</td>
                    {cells(cohort.now, cohort.draft)}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3}>
                    {t('policy.preview.totals')}
                  </th>
                  {cells(district.totals.now, district.totals.draft)}
                </tr>
              </tfoot>
            </table>
          </ScrollRegion>
        );
      })}
      {preview.more ? <p class="hint">{t('policy.previewMore', { count: PREVIEW_PAGES * 100 })}</p> : null}
    </section>
  );
}
