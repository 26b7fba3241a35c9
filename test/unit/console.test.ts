import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { consoleRoutes, embeddedConsoleConfig } from '../../infra/local/console-assets.ts';
import { DEMO_USERS } from '../../infra/local/demo-register.ts';
import { makeCohortBody } from '../../scripts/lib/roster.ts';
import { SEED_OCCUPATIONS } from '../../shared/domain/occupations.ts';
import { DEFAULT_POLICY } from '../../shared/domain/policy.ts';
import { PolicySchema } from '../../shared/schemas/policy.ts';
import {
  formatDate,
  formatDays,
  formatFen,
  formatInstant,
  formatMonth,
  formatMonthShort,
  formatPeriod,
  formatRate,
} from '../../web/src/format.ts';
import { homeOf, mayOpen, mayPublishPolicy } from '../../web/src/roles.ts';
import {
  cellOfPath,
  decodeCsv,
  rowsFromCsv,
  rowsFromTable,
  templateCsv,
  toApprenticeInput,
} from '../../web/src/roster/model.ts';
import { checkDecision, checkNewCohort } from '../../web/src/roster/validate.ts';
import { readXlsx, writeXlsx } from '../../web/src/roster/xlsx.ts';
import { parseRoute } from '../../web/src/router-paths.ts';
import {
  draftPolicy,
  nextVersion,
  POLICY_CHOICES,
  policyFields,
} from '../../web/src/screens/policy-draft.ts';
import {
  apiQuery,
  parseReportQuery,
  periodOf,
  periodsOf,
  reportHref,
} from '../../web/src/screens/reports/query.ts';
import { DICTIONARIES } from '../../web/src/words/all.ts';
import { reportsEn } from '../../web/src/words/reports-en.ts';
import { reportsZh } from '../../web/src/words/reports-zh.ts';
import { zh as consoleZh } from '../../web/src/words/zh.ts';

/** The console's own logic, in Node: formats, roster files, the browser-side checks, routes. */
describe('money and dates', () => {
  it('writes integer fen as ¥ with thousands separators, never through a float', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(21_000_000)).toBe('¥210,000.00');
    expect(formatFen(-123456)).toBe('-¥1,234.56');
    expect(formatFen(Number.MAX_SAFE_INTEGER)).toBe('¥90,071,992,547,409.91');
    expect(formatFen(1.5)).toBe('—');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(Number(formatFen(fen).replace(/[¥,.]/g, ''))).toBe(fen);
      }),
    );
  });

  it('writes dates the local way, and instants in China time whatever the machine zone', () => {
    expect(formatDate('2027-03-01', 'zh-CN')).toBe('2027年3月1日');
    expect(formatDate('2028-02-29', 'en')).toBe('Feb 29, 2028');
    expect(formatDate(undefined, 'zh-CN')).toBe('—');
    expect(formatInstant('2027-02-28T16:30:00Z', 'zh-CN')).toBe('2027年3月1日 00:30');
  });
});

describe('words', () => {
  it('has every key in both languages, none empty', () => {
    const zh = DICTIONARIES['zh-CN'];
    const en = DICTIONARIES.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const [key, text] of [...Object.entries(zh), ...Object.entries(en)]) expect(text, key).not.toBe('');
  });

  it('keeps the reports’ words (loaded with the dashboard) apart from the first load’s, in both languages', () => {
    expect(Object.keys(reportsEn).sort()).toEqual(Object.keys(reportsZh).sort());
    expect(Object.keys(reportsZh).filter((key) => key in consoleZh)).toEqual([]);
    for (const key of Object.keys(reportsZh)) expect(DICTIONARIES['zh-CN'], key).toHaveProperty([key]);
    // GB/T 15834 as the e2e suite checks every word (test/e2e/console.test.ts), here for these alone.
    for (const [key, text] of Object.entries(reportsZh)) {
      expect(text, key).not.toMatch(/[\u4e00-\u9fff][,;:?!()"]|[,;:?!("][\u4e00-\u9fff]|\.\.\./);
      expect(text, key).not.toMatch(/[\u4e00-\u9fff]\s*\(|\)\s*[\u4e00-\u9fff]/);
    }
    for (const [key, text] of Object.entries(reportsEn))
      expect(text, key).not.toMatch(/[，。、；：？！（）《》【】]/);
  });
});

describe('the dashboard’s reports (issue 15 item 6)', () => {
  it('writes months, periods, rates and days the local way', () => {
    expect(formatMonth('2027-03', 'zh-CN')).toBe('2027年3月');
    expect(formatMonth('2027-12', 'en')).toBe('Dec 2027');
    expect(formatMonthShort('2027-03', 'zh-CN')).toBe('3月');
    expect(formatMonthShort('2027-03', 'en')).toBe('Mar');
    expect(formatPeriod('2027-Q1', 'zh-CN')).toBe('2027年第一季度');
    expect(formatPeriod('2027-Q4', 'en')).toBe('Q4 2027');
    expect(formatPeriod('2027-03', 'zh-CN')).toBe('2027年3月');
    expect(formatRate(0.2)).toBe('20.0%');
    expect(formatRate(0.8571)).toBe('85.7%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
    expect(formatDays(3.5)).toBe('3.5');
    expect(formatDays(0)).toBe('0.0');
    expect(formatDays(null)).toBe('—');
  });

  it('keeps the view and its filters in the address, and reads back what it wrote', () => {
    const query = {
      view: 'pipeline' as const,
      year: 2027,
      district: undefined,
      occupation: '4-04-05-05',
      school: '52110108MJ0AA1000A',
      period: undefined,
    };
    const href = reportHref(query);
    expect(href).toBe('/app/budget?view=pipeline&year=2027&occupation=4-04-05-05&school=52110108MJ0AA1000A');
    expect(parseReportQuery(href.slice(href.indexOf('?')))).toEqual(query);
    expect(reportHref({ view: 'overview' })).toBe('/app/budget');
    // Whatever is typed by hand: an unknown view is the overview, a bad year or period no filter.
    expect(parseReportQuery('?view=nope&year=abc&period=2027-Q5')).toMatchObject({
      view: 'overview',
      year: undefined,
      period: undefined,
    });
    expect(parseReportQuery('?view=demand&period=2027-03').period).toBe('2027-03');
    expect(apiQuery({ year: 2027, districtCode: undefined, schoolId: '' })).toBe('year=2027');
  });

  it('takes the demand list’s period from the address, keeps its quarter or month when the year changes', () => {
    const now = new Date('2027-05-04T02:00:00Z');
    expect(periodOf(2027, undefined, now)).toBe('2027-Q2');
    expect(periodOf(2027, '2027-03', now)).toBe('2027-03');
    expect(periodOf(2028, '2027-03', now)).toBe('2028-03');
    // 31 December 17:00 UTC is 1 January in China.
    expect(periodOf(2028, undefined, new Date('2027-12-31T17:00:00Z'))).toBe('2028-Q1');
    expect(periodsOf(2027)).toHaveLength(16);
    expect(periodsOf(2027).slice(3, 6)).toEqual(['2027-Q4', '2027-01', '2027-02']);
  });
});

describe('roster files', () => {
  it('reads the template columns (Chinese or the API keys) and normalises what people type', () => {
    const imported = rowsFromTable([
      ['姓名', '身份证号码', '手机号码', '招用类型', '劳动合同开始日期', '劳动合同结束日期', '企业导师编号'],
      ['李娜', '11010519491231002x', '13800138000', '转岗', '2027/3/1', '无固定期限', 'm1'],
      ['', '', '', '', '', '', ''],
      ['王伟', '110108200001011237', '13800138001', '新招用', '2027年3月5日', '2030-03-04', 'm1'],
    ]);
    expect(imported.missing).toEqual([]);
    expect(imported.rows.map(toApprenticeInput)).toEqual([
      {
        name: '李娜',
        idNumber: '11010519491231002X',
        phone: '13800138000',
        hireType: 'transfer',
        contract: { startDate: '2027-03-01', endDate: null },
        enterpriseMentorKey: 'm1',
      },
      {
        name: '王伟',
        idNumber: '110108200001011237',
        phone: '13800138001',
        hireType: 'new_hire',
        contract: { startDate: '2027-03-05', endDate: '2030-03-04' },
        enterpriseMentorKey: 'm1',
      },
    ]);
    expect(rowsFromCsv('name,idNumber,phone\nx,y,z\n').missing).toEqual([
      'hireType',
      'contractStartDate',
      'contractEndDate',
      'enterpriseMentorKey',
    ]);
  });

  it('reads CSV as UTF-8 (with the BOM the template has) or as Excel’s GB18030', () => {
    expect(rowsFromCsv(decodeCsv(strToU8(templateCsv('zh-CN')))).missing).toEqual([]);
    // "姓名" in GB18030, as Excel on a Chinese Windows saves a CSV.
    expect(decodeCsv(new Uint8Array([0xd0, 0xd5, 0xc3, 0xfb]))).toBe('姓名');
  });

  it('writes the Excel template and reads it back, text columns kept as typed', () => {
    const header = [
      '姓名',
      '身份证号码',
      '手机号码',
      '招用类型',
      '劳动合同开始日期',
      '劳动合同结束日期',
      '企业导师编号',
    ];
    const row = ['李娜 & 王伟 <测试>', '110108200001011237', '13800138000', '新招用', '2027-03-01', '', 'm1'];
    const bytes = writeXlsx({
      sheetName: '学徒名单',
      header,
      rows: [row],
      listColumn: { index: 3, values: ['新招用', '转岗'] },
    });
    expect(readXlsx(bytes)).toEqual([header, row]);
  });

  it('reads what Excel writes: shared strings, numbers, dates from date-formatted numbers, gaps', () => {
    const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${body}`;
    const file = zipSync({
      'xl/workbook.xml': strToU8(
        xml('<workbook xmlns:r="r"><sheets><sheet name="名单" sheetId="1" r:id="rId7"/></sheets></workbook>'),
      ),
      'xl/_rels/workbook.xml.rels': strToU8(
        xml(
          '<Relationships><Relationship Id="rId7" Type="worksheet" Target="worksheets/roster.xml"/></Relationships>',
        ),
      ),
      'xl/sharedStrings.xml': strToU8(
        xml(
          '<sst><si><t>姓名</t></si><si><r><t>李</t></r><r><t>娜</t></r><rPh><t>リ</t></rPh></si><si><t>a&amp;b</t></si></sst>',
        ),
      ),
      'xl/styles.xml': strToU8(
        xml(
          '<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/m/d"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>',
        ),
      ),
      'xl/worksheets/roster.xml': strToU8(
        xml(
          '<worksheet><sheetData>' +
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>2</v></c></row>' +
            '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>13800138000</v></c><c r="C3" s="1"><v>46447</v></c><c r="D3" s="2"><v>46451</v></c><c r="E3" t="inlineStr"><is><t>m1</t></is></c></row>' +
            '</sheetData></worksheet>',
        ),
      ),
    });
    expect(readXlsx(file)).toEqual([
      ['姓名', '', 'a&b'],
      [],
      ['李娜', '13800138000', '2027-03-01', '2027-03-05', 'm1'],
    ]);
    expect(() => readXlsx(strToU8('not a zip'))).toThrow(/not an \.xlsx file/);
  });

  it('finds the cell an error path names', () => {
    expect(cellOfPath('apprentices.3.idNumber')).toEqual({ row: 3, field: 'idNumber' });
    expect(cellOfPath('apprentices.12.contract.startDate')).toEqual({ row: 12, field: 'contractStartDate' });
    expect(cellOfPath('apprentices.0')).toEqual({ row: 0, field: undefined });
    expect(cellOfPath('enterpriseMentors.0.name')).toBeUndefined();
    expect(cellOfPath('3.phone', '')).toEqual({ row: 3, field: 'phone' });
  });
});

describe('the checks the browser runs before sending (the shared schemas and rules)', () => {
  const context = { policy: DEFAULT_POLICY, occupations: SEED_OCCUPATIONS, today: '2026-11-26' };
  const body = () =>
    makeCohortBody({
      schoolId: '52110108MJ0AA1000A',
      startDate: '2027-03-01',
      endDate: '2028-02-29',
      count: 12,
    });

  it('passes a valid cohort', () => {
    expect(checkNewCohort(body(), context)).toEqual([]);
  });

  it('names every bad cell at once: a bad row does not hide the rule errors of the others', () => {
    const cohort = body();
    const good = cohort.apprentices[4]!.idNumber;
    cohort.apprentices[4]!.idNumber = good.slice(0, 17) + (good.endsWith('1') ? '2' : '1');
    cohort.apprentices[7]!.contract = { startDate: '2027-06-01', endDate: null };
    cohort.apprentices[9]!.enterpriseMentorKey = 'm9';
    cohort.apprentices[10]!.idNumber = cohort.apprentices[2]!.idNumber;
    expect(checkNewCohort(cohort, context)).toEqual([
      {
        path: 'apprentices.4.idNumber',
        code: 'id_number.check_character',
        message: 'check character is wrong',
      },
      {
        path: 'apprentices.7.contract.startDate',
        code: 'contract.starts_too_late',
        params: { days: 30, by: '2027-03-31' },
        message:
          'the labour contract must start no later than 30 days after the cohort starts (by 2027-03-31)',
      },
      {
        path: 'apprentices.9.enterpriseMentorKey',
        code: 'mentor.no_such_key',
        params: { key: 'm9' },
        message: 'no enterprise mentor with key m9 in this cohort',
      },
      {
        path: 'apprentices.10.idNumber',
        code: 'apprentice.person_repeated',
        params: { row: 2 },
        message: 'the same person is already in this cohort at row 2',
      },
    ]);
  });

  it('checks the cohort fields with the same paths as the API', () => {
    const errors = checkNewCohort(
      { ...body(), schoolId: '52110108MJ0AA1000Z', plannedHours: { total: 100 } },
      context,
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'schoolId', code: 'uscc.check_character', message: 'check character is wrong' },
        { path: 'plannedHours.concentrated', code: 'field.required', message: 'is required' },
      ]),
    );
  });

  it('checks the school’s enrolment body', () => {
    expect(
      checkDecision({
        decision: 'approve',
        schoolMentors: [{ key: 't1', name: '王老师', teacherNo: 'T1' }],
        enrolment: [
          { apprenticeId: '01J00000000000000000000000', studentNumber: 'S1', schoolMentorKey: 't2' },
          { apprenticeId: '01J00000000000000000000001', studentNumber: 'S1', schoolMentorKey: 't1' },
        ],
      }),
    ).toEqual([
      {
        path: 'enrolment.0.schoolMentorKey',
        code: 'enrolment.no_school_mentor',
        params: { key: 't2' },
        message: 'no school mentor with key t2 in schoolMentors',
      },
      {
        path: 'enrolment.1.studentNumber',
        code: 'enrolment.student_number_repeated',
        params: { row: 0 },
        message: 'the same student number is already given at row 0',
      },
    ]);
    expect(checkDecision({ decision: 'return' })).toEqual([
      {
        path: 'reason',
        code: 'decision.reason_required',
        params: { decision: 'return' },
        message: 'a reason is required to return',
      },
    ]);
  });
});

describe('console routes', () => {
  it('the router knows the paths the runtime and CloudFront answer with index.html', () => {
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/app/cohorts/01J00000000000000000000000/review')).toEqual({
      name: 'review',
      cohortId: '01J00000000000000000000000',
    });
    expect(parseRoute('/app/cohorts/new')).toEqual({ name: 'cohortNew' });
    expect(parseRoute('/auth/callback')).toEqual({ name: 'callback' });
    expect(parseRoute('/app/nothing-here')).toEqual({ name: 'notFound' });
  });

  it('serves index.html for client routes, hashed assets for good, and the sign-in choices', async () => {
    let builds = 0;
    const routes = consoleRoutes({
      connectTo: ['http://127.0.0.1:3003', 'http://127.0.0.1:3004'],
      build: async () => {
        builds++;
        return [
          {
            path: '/index.html',
            contentType: 'text/html; charset=utf-8',
            text: '<html>console</html>',
            immutable: false,
          },
          {
            path: '/assets/main-ABC.js',
            contentType: 'text/javascript; charset=utf-8',
            text: 'run()',
            immutable: true,
          },
        ];
      },
    });
    const handle = (path: string, routePath: string) =>
      routes
        .find((route) => route.path === routePath)!
        .handle({
          method: 'GET',
          path,
          body: '',
          headers: {},
          query: {},
          pathParameters: {},
        });
    const page = await handle('/app/cohorts/X/review', '/app/{proxy+}');
    expect(page).toMatchObject({ statusCode: 200, body: '<html>console</html>' });
    expect(page.headers).toMatchObject({ 'cache-control': 'no-cache' });
    expect(page.headers?.['content-security-policy']).toContain("default-src 'self'");
    // The console may call the object store and the issuer it signs in through, nothing else.
    expect(page.headers?.['content-security-policy']).toContain(
      "connect-src 'self' http://127.0.0.1:3003 http://127.0.0.1:3004;",
    );
    expect((await handle('/', '/')).body).toBe('<html>console</html>');
    const asset = await handle('/assets/main-ABC.js', '/assets/{proxy+}');
    expect(asset.headers).toMatchObject({ 'cache-control': 'public, max-age=31536000, immutable' });
    expect((await handle('/assets/gone.js', '/assets/{proxy+}')).statusCode).toBe(404);
    expect(builds).toBe(1);
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'GET /',
      'GET /app',
      'GET /app/{proxy+}',
      'GET /auth/callback',
      'GET /assets/{proxy+}',
      'GET /console-config.json',
    ]);
    const config = embeddedConsoleConfig({
      issuer: 'http://127.0.0.1:3004',
      clientId: 'apprenticeflow-dev-client',
      scopes: ['openid'],
    });
    expect(config.apiUrl).toBe('');
    // Sign-in through the dev issuer by discovery, with the claim names the API reads.
    expect(config.auth).toEqual({
      issuer: 'http://127.0.0.1:3004',
      clientId: 'apprenticeflow-dev-client',
      scopes: ['openid'],
      redirectPath: '/auth/callback',
      rolesClaim: 'cognito:groups',
      orgClaim: 'custom:org',
    });
    expect(config.people.map((user) => user.username)).toEqual(DEMO_USERS.map((user) => user.username));
    expect(config.people.find((user) => user.username === 'ent-a-clerk')?.orgName).toBe(
      '北京智算未来科技有限公司',
    );
  });
});

describe('the municipal bureau in the console (issue 12 item 7)', () => {
  it('opens the policy editable for city.admin only, read-only for the district bureaus; no inbox for the city', () => {
    expect(parseRoute('/app/policy')).toEqual({ name: 'policy' });
    expect(mayPublishPolicy('city.admin')).toBe(true);
    for (const role of ['bureau.admin', 'bureau.reviewer', 'bureau.treasurer', 'enterprise.clerk'] as const)
      expect(mayPublishPolicy(role), role).toBe(false);
    expect(mayOpen('city.admin', 'policy')).toBe(true);
    expect(mayOpen('bureau.admin', 'policy')).toBe(true);
    expect(mayOpen('enterprise.clerk', 'policy')).toBe(false);
    // Cases and reports read-only: the lists, the case pages and the dashboard; no deciding screen.
    for (const screen of ['cohorts', 'cohort', 'claims', 'claim', 'budget'] as const)
      expect(mayOpen('city.admin', screen), screen).toBe(true);
    for (const screen of ['inbox', 'review', 'claimReview', 'claimVerify', 'payments', 'cohortNew'] as const)
      expect(mayOpen('city.admin', screen), screen).toBe(false);
    expect(homeOf('city.admin')).toBe('/app/policy');
  });

  it('draws the policy form from the policy itself and publishes exactly what was typed, as a new version', () => {
    const fields = policyFields(DEFAULT_POLICY as unknown as Record<string, unknown>);
    const paths = fields.map((field) => field.path);
    expect(paths).toContain('publicNoticeWorkingDays');
    expect(paths).toContain('trainingMonths.maxWithJustification');
    expect(paths).toContain('standardsFen.2.standard'); // no standard yet: an empty field to set one
    expect(paths).not.toContain('holidays');
    expect(paths).not.toContain('policyVersion');
    // Every field of the seeded policy has words in both languages.
    for (const path of paths) {
      expect(DICTIONARIES['zh-CN'], path).toHaveProperty([`policy.field.${path}`]);
      expect(DICTIONARIES.en, path).toHaveProperty([`policy.field.${path}`]);
    }
    expect(nextVersion(DEFAULT_POLICY, DEFAULT_POLICY.effectiveFrom)).toBe('2026-01-01.2');
    expect(nextVersion(DEFAULT_POLICY, '2027-01-01')).toBe('2027-01-01.1');
    const draft = draftPolicy(
      DEFAULT_POLICY as unknown as Record<string, unknown>,
      {
        publicNoticeWorkingDays: '7',
        'standardsFen.2.standard': '900000',
        'standardsFen.2.shortage': '1000000',
      },
      { policyVersion: '2027-01-01.1', effectiveFrom: '2027-01-01' },
    );
    expect(PolicySchema.safeParse(draft).success).toBe(true);
    expect(draft).toMatchObject({
      policyVersion: '2027-01-01.1',
      effectiveFrom: '2027-01-01',
      publicNoticeWorkingDays: 7,
      standardsFen: {
        '2': { standard: 900_000, shortage: 1_000_000 },
        '4': DEFAULT_POLICY.standardsFen['4'],
      },
      holidays: DEFAULT_POLICY.holidays,
    });
    expect((draft.standardsFen as Record<string, unknown>)['1']).toBeUndefined();
    // A value that is not a number goes as typed: the server names the field.
    expect(draftPolicy(DEFAULT_POLICY as never, { minAgeYears: '十六' }, DEFAULT_POLICY).minAgeYears).toBe(
      '十六',
    );
  });

  it('offers the settlement rules in the policy form: choices worded, an empty fee cap is no cap, one advance share', () => {
    const policy = DEFAULT_POLICY as unknown as Record<string, unknown>;
    const fields = new Map(policyFields(policy).map((field) => [field.path, field]));
    expect(fields.get('settlement.withdrawnMode')).toMatchObject({
      value: 'none',
      choices: ['none', 'pro_rata'],
    });
    expect(fields.get('settlement.advanceBasis')?.choices).toEqual(['first_year', 'whole_period']);
    expect(fields.get('settlement.feeCapBasisPoints')).toMatchObject({ value: undefined, nullable: true });
    expect(fields.get('settlement.interimClaims')?.value).toBe(true);
    // The top-level share only mirrors the block's: the form offers it once.
    expect(fields.has('advanceShareBasisPoints')).toBe(false);
    for (const [path, choices] of Object.entries(POLICY_CHOICES))
      for (const value of choices)
        for (const lang of ['zh-CN', 'en'] as const)
          expect(DICTIONARIES[lang], `${lang} ${path}.${value}`).toHaveProperty([
            `policy.choice.${path}.${value}`,
          ]);
    const version = { policyVersion: '2027-07-01.1', effectiveFrom: '2027-07-01' };
    // Hangzhou's cap, pro rata for the withdrawn, a 30% advance: what the form sends is a valid policy.
    const capped = draftPolicy(
      policy,
      {
        'settlement.feeCapBasisPoints': '6000',
        'settlement.withdrawnMode': 'pro_rata',
        'settlement.advanceShareBasisPoints': '3000',
      },
      version,
    );
    expect(PolicySchema.safeParse(capped).success).toBe(true);
    expect(capped.settlement).toMatchObject({
      feeCapBasisPoints: 6000,
      withdrawnMode: 'pro_rata',
      advanceShareBasisPoints: 3000,
    });
    expect(capped.advanceShareBasisPoints).toBe(3000);
    // Emptying the cap again sends null (no cap), not a missing field.
    const uncapped = draftPolicy(capped, { 'settlement.feeCapBasisPoints': '' }, version);
    expect((uncapped.settlement as Record<string, unknown>).feeCapBasisPoints).toBeNull();
    expect(PolicySchema.safeParse(uncapped).success).toBe(true);
  });

  it('has words for the city administrator’s role on the sign-in page and in the top bar', () => {
    expect(DICTIONARIES['zh-CN']['role.city.admin']).toBe('市人社局管理员');
    expect(DICTIONARIES.en['role.city.admin']).toBe('Municipal bureau administrator');
    expect(DEMO_USERS.find((user) => user.username === 'city-admin')).toMatchObject({
      role: 'city.admin',
      orgId: '110000',
    });
  });
});
