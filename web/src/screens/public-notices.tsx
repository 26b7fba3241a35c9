/**
 * The public notice page (公示, issue 14): a district's claims on notice for anyone, no sign-in,
 * readable on a phone, Chinese first — enterprise, school, occupation, level, headcount, amount,
 * period and the bureau's phone — and a form to object to one. Its own chunk with its own words
 * (loaded only here), so the signed-in console's first load does not grow.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleConfig } from '../config.ts';
import { formatCount, formatDate, formatFen, type Lang } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Alert, Progress } from '../ui.tsx';

const WORDS = {
  'zh-CN': {
    title: '职业技能培训补贴公示',
    intro:
      '以下企业新型学徒制培训补贴申领正在公示。对公示内容有异议的，可在公示期内提出，人社局将在规定时限内核查处理。',
    district: '行政区划代码 {district}',
    none: '本区目前没有正在公示的补贴申领。',
    enterprise: '企业',
    school: '培训机构',
    occupation: '职业（工种）',
    level: '培训等级',
    headcount: '学徒人数',
    amount: '拟拨付金额',
    period: '公示期',
    phone: '监督电话',
    object: '提出异议',
    formTitle: '对 {enterprise} 的申领提出异议',
    name: '姓名',
    contact: '联系方式（手机或邮箱）',
    text: '异议内容',
    submit: '提交异议',
    cancel: '取消',
    sent: '异议已提交（编号 {id}），人社局将核查处理。',
    failed: '提交失败：{reason}',
    loadFailed: '无法读取公示信息：{reason}',
    loading: '正在加载…',
    people: '{n} 人',
    privacy: '联系方式仅用于人社局核查异议，不予公开。',
    switch: 'English',
    'level.1': '一级/高级技师',
    'level.2': '二级/技师',
    'level.3': '三级/高级工',
    'level.4': '四级/中级工',
  },
  en: {
    title: 'Training subsidies on public notice',
    intro:
      'These new-type apprenticeship subsidy claims are on public notice. Anyone who objects may say so during the notice; the bureau checks every objection within its time limit.',
    district: 'District {district}',
    none: 'No claim is on public notice in this district now.',
    enterprise: 'Enterprise',
    school: 'Training provider',
    occupation: 'Occupation',
    level: 'Level',
    headcount: 'Apprentices',
    amount: 'Amount to be paid',
    period: 'Notice period',
    phone: 'Bureau phone',
    object: 'Object',
    formTitle: 'Object to the claim of {enterprise}',
    name: 'Name',
    contact: 'Contact (mobile or e-mail)',
    text: 'Objection',
    submit: 'Send objection',
    cancel: 'Cancel',
    sent: 'Objection sent (no. {id}); the bureau will check it.',
    failed: 'Not sent: {reason}',
    loadFailed: 'The notice could not be read: {reason}',
    loading: 'Loading…',
    people: '{n}',
    privacy: 'Your contact is used by the bureau to check the objection only, never published.',
    switch: '中文',
    'level.1': 'Level 1 (senior technician)',
    'level.2': 'Level 2 (technician)',
    'level.3': 'Level 3 (senior worker)',
    'level.4': 'Level 4 (intermediate worker)',
  },
} as const;

type Word = keyof (typeof WORDS)['zh-CN'];

interface NoticeItem {
  claimId: string;
  enterpriseName: string;
  schoolName: string;
  occupationName: string;
  targetLevel: number;
  headcount: number;
  amountFen: number;
  startsOn: string;
  endsOn: string;
  contactPhone: string | null;
}

function say(lang: Lang, word: Word, params: Record<string, string | number> = {}): string {
  return WORDS[lang][word].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function PublicNotices(props: { config: ConsoleConfig; districtCode: string }) {
  const { lang, setLang, m } = useI18n();
  const [items, setItems] = useState<NoticeItem[]>();
  const [failure, setFailure] = useState<string>();
  const [objecting, setObjecting] = useState<NoticeItem>();
  const [sent, setSent] = useState<string>();
  const base = (props.config.publicNoticesOrigin ?? props.config.apiUrl).replace(/\/+$/, '');

  useEffect(() => {
    document.title = say(lang, 'title');
  }, [lang]);
  useEffect(() => {
    fetch(`${base}/public/notices?districtCode=${encodeURIComponent(props.districtCode)}`)
      .then(async (response) => {
        const body = await response.json();
        if (!response.ok) throw new Error(m(body));
        setItems(body.items as NoticeItem[]);
      })
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
  }, [base, props.districtCode, m]);

  return (
    <main class="public-notices" lang={lang} data-testid="public-notices">
      <header class="public-header">
        <h1>{say(lang, 'title')}</h1>
        <button
          type="button"
          class="button-ghost"
          lang={lang === 'zh-CN' ? 'en' : 'zh-CN'}
          onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
        >
          {say(lang, 'switch')}
        </button>
      </header>
      <p>{say(lang, 'intro')}</p>
      <p class="hint">{say(lang, 'district', { district: props.districtCode })}</p>
      {sent ? <Alert kind="success">{say(lang, 'sent', { id: sent })}</Alert> : null}
      {failure ? (
        <Alert kind="error">{say(lang, 'loadFailed', { reason: failure })}</Alert>
      ) : !items ? (
        <Progress label={say(lang, 'loading')} />
      ) : items.length === 0 ? (
        <p data-testid="public-notices-empty">{say(lang, 'none')}</p>
      ) : (
        <ul class="notice-list">
          {items.map((item) => (
            <li key={item.claimId} class="notice-card" data-testid="public-notice">
              <h2>{item.enterpriseName}</h2>
              <dl>
                <dt>{say(lang, 'school')}</dt>
                <dd class="notice-value">{item.schoolName}</dd>
                <dt>{say(lang, 'occupation')}</dt>
                <dd class="notice-value">{item.occupationName}</dd>
                <dt>{say(lang, 'level')}</dt>
                <dd class="notice-value">{say(lang, `level.${item.targetLevel}` as Word)}</dd>
                <dt>{say(lang, 'headcount')}</dt>
                <dd class="notice-value">{say(lang, 'people', { n: formatCount(item.headcount) })}</dd>
                <dt>{say(lang, 'amount')}</dt>
                <dd class="notice-value">{formatFen(item.amountFen)}</dd>
                <dt>{say(lang, 'period')}</dt>
                <dd class="notice-value">
                  {formatDate(item.startsOn, lang)} – {formatDate(item.endsOn, lang)}
                </dd>
                <dt>{say(lang, 'phone')}</dt>
                <dd class="notice-value">
                  {item.contactPhone ? <a href={`tel:${item.contactPhone}`}>{item.contactPhone}</a> : '—'}
                </dd>
              </dl>
              {objecting?.claimId === item.claimId ? (
                <ObjectionForm
                  base={props.config.apiUrl}
                  item={item}
                  lang={lang}
                  onDone={(objectionId) => {
                    setObjecting(undefined);
                    setSent(objectionId);
                  }}
                  onCancel={() => setObjecting(undefined)}
                />
              ) : (
                <button type="button" class="button-secondary" onClick={() => setObjecting(item)}>
                  {say(lang, 'object')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function ObjectionForm(props: {
  base: string;
  item: NoticeItem;
  lang: Lang;
  onDone: (objectionId: string) => void;
  onCancel: () => void;
}) {
  const { m } = useI18n();
  const { lang, item } = props;
  const [key] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = (field: string) => `objection-${item.claimId}-${field}`;
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      // Straight to the API (never through a cache), so the objection is counted by its own address.
      const response = await fetch(
        `${props.base.replace(/\/+$/, '')}/public/notices/${item.claimId}/objections`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({
            name: String(form.get('name') ?? ''),
            contact: String(form.get('contact') ?? ''),
            text: String(form.get('text') ?? ''),
          }),
        },
      );
      const body = await response.json();
      if (!response.ok) {
        const fields = (body.errors ?? []) as { path: string; code?: string; message: string }[];
        setError([m(body), ...fields.map((field) => `${field.path}: ${m(field)}`)].join('；'));
        return;
      }
      props.onDone(body.objectionId);
    } catch (failure) {
      setError(String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="objection-form" onSubmit={submit} aria-labelledby={id('title')}>
      <h3 id={id('title')}>{say(lang, 'formTitle', { enterprise: item.enterpriseName })}</h3>
      <div class="field">
        <label for={id('name')}>{say(lang, 'name')}</label>
        <input
          class="objection-input"
          id={id('name')}
          name="name"
          required
          maxLength={50}
          autoComplete="name"
        />
      </div>
      <div class="field">
        <label for={id('contact')}>{say(lang, 'contact')}</label>
        <input
          class="objection-input"
          id={id('contact')}
          name="contact"
          required
          maxLength={100}
          autoComplete="tel"
        />
      </div>
      <div class="field">
        <label for={id('text')}>{say(lang, 'text')}</label>
        <textarea class="objection-input" id={id('text')} name="text" required maxLength={2000} rows={4} />
      </div>
      <p class="hint">{say(lang, 'privacy')}</p>
      {error ? <Alert kind="error">{say(lang, 'failed', { reason: error })}</Alert> : null}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {say(lang, 'submit')}
        </button>
        <button type="button" class="button-ghost" onClick={props.onCancel}>
          {say(lang, 'cancel')}
        </button>
      </div>
    </form>
  );
}
