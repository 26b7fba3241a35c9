import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/function-map.ts';
import { ALL_ERROR_MESSAGES as ERROR_MESSAGES } from '../../shared/domain/error-codes/all.ts';
import { ERROR_CODES, openApiDocument } from '../../shared/http/openapi.ts';

/** `GET /openapi.json` names every route the function map deploys, so the document cannot drift. */
describe('the OpenAPI document', () => {
  const document = openApiDocument() as { paths: Record<string, Record<string, unknown>> };

  it.each(FUNCTIONS.filter((spec) => spec.route).map((spec) => spec.route!))('documents %s', (route) => {
    const [method, path] = route.split(' ') as [string, string];
    expect(document.paths[path]?.[method.toLowerCase()], route).toBeDefined();
  });

  it('documents no route the function map does not deploy', () => {
    const routes = new Set(FUNCTIONS.flatMap((spec) => (spec.route ? [spec.route] : [])));
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((route) => !routes.has(route as never))).toEqual([]);
  });

  it('documents the settlement fields of issue 12: the policy block, interim claims, the fee paid, the steps', () => {
    const schemas = (document as unknown as { components: { schemas: Record<string, any> } }).components
      .schemas;
    const settlement = schemas.PolicySchema.properties.settlement;
    expect(Object.keys(settlement.properties).sort()).toEqual([
      'advanceBasis',
      'advanceShareBasisPoints',
      'completedRate',
      'feeCapBasisPoints',
      'interimClaims',
      'withdrawnMode',
    ]);
    expect(settlement.properties.withdrawnMode).toMatchObject({
      enum: ['none', 'pro_rata'],
      default: 'none',
    });
    expect(settlement.properties.advanceBasis).toMatchObject({ enum: ['first_year', 'whole_period'] });
    expect(settlement.properties.completedRate).toMatchObject({ minimum: 0, maximum: 10_000, default: 0 });
    expect(schemas.PolicySchema.properties.source).toBeDefined();
    const claim = schemas.CreateClaimBody;
    expect(claim.properties.kind.enum).toEqual(['advance', 'interim', 'final']);
    expect(claim.properties.trainingYear).toBeDefined();
    expect(claim.properties.evidence.properties.feeInvoiceAmountFen).toMatchObject({ type: 'integer' });
    expect(schemas.ClaimView.properties.computation.properties.settlement.$ref).toBe(
      '#/components/schemas/SettlementSteps',
    );
    expect(Object.keys(schemas.SettlementSteps.properties)).toEqual(
      expect.arrayContaining(['apprentices', 'feeCap', 'advance', 'paidBefore', 'balanceFen', 'rounding']),
    );
    const getClaim = (document.paths['/claims/{claimId}']!.get as any).responses['200'];
    expect(getClaim.content['application/json'].schema.$ref).toBe('#/components/schemas/ClaimView');
  });

  it('renders every body schema to JSON Schema', () => {
    const schemas = (document as unknown as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    for (const [name, schema] of Object.entries(schemas)) expect(schema, name).toBeTypeOf('object');
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['CreateClaimBody', 'CreateDocumentBody']));
  });
});

/** Issue 11, item 8: a document to generate clients from. */
describe('the OpenAPI document for client generators', () => {
  type Operation = {
    operationId?: string;
    security?: unknown[];
    responses: Record<string, { $ref?: string }>;
  };
  const document = openApiDocument() as {
    servers: { url: string; variables?: Record<string, { default: string }> }[];
    paths: Record<string, Record<string, Operation>>;
    components: {
      responses: Record<string, { content: Record<string, unknown> }>;
      schemas: Record<string, { properties: Record<string, unknown> }>;
    };
  };
  const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      route: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );

  it.each(FUNCTIONS.filter((spec) => spec.route))('names $route by its function, $name', (spec) => {
    const [method, path] = spec.route!.split(' ') as [string, string];
    expect(document.paths[path]?.[method.toLowerCase()]?.operationId).toBe(spec.name);
  });

  it('has no operationId that is not the function of its route in the function map', () => {
    const byRoute = new Map(FUNCTIONS.map((spec) => [spec.route, spec.name]));
    const strays = operations.filter(
      ({ route, operation }) => byRoute.get(route as never) !== operation.operationId,
    );
    expect(strays.map(({ route }) => route)).toEqual([]);
  });

  it('names the local and the deployed base URL', () => {
    expect(document.servers.map((server) => server.url)).toEqual([
      'http://127.0.0.1:3000',
      'https://{apiId}.execute-api.{region}.{dnsSuffix}',
    ]);
    expect(document.servers[1]?.variables).toMatchObject({
      apiId: {},
      region: { default: 'us-east-1' },
      dnsSuffix: { default: 'amazonaws.com', enum: ['amazonaws.com', 'amazonaws.com.cn'] },
    });
  });

  it('documents throttling and unavailability everywhere, the token wherever one is needed', () => {
    for (const { route, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      expect(statuses, route).toContain('429');
      if (route !== 'GET /openapi.json') expect(statuses, route).toContain('503');
      if (operation.security?.length !== 0) expect(statuses, route).toContain('401');
      if (/\{\w+\}/.test(route)) expect(statuses, route).toContain('404');
      // A preview is a POST that changes nothing: it has no state to conflict with.
      if (!route.startsWith('GET ') && route !== 'POST /policy/preview')
        expect(statuses, route).toContain('409');
    }
  });

  it('gives every error a problem+json body; 429 also API Gateway’s own `{"message"}` (stage throttling)', () => {
    for (const { route, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const name = response.$ref?.split('/').pop() ?? '';
        const content = document.components.responses[name]?.content ?? {};
        if (status === '429') expect(Object.keys(content), route).toContain('application/json');
        expect(Object.keys(content), `${route} ${status}`).toContain('application/problem+json');
      }
    }
  });

  it('leaves room for the error codes: a code beside the message of problems and field errors', () => {
    expect(document.components.schemas.Problem?.properties).toHaveProperty('code');
    expect(document.components.schemas.FieldError?.properties).toHaveProperty('code');
  });

  it('lists the codes of the catalogue: every one for a problem, and those of each status it can carry', () => {
    const codes = Object.keys(ERROR_MESSAGES);
    expect(document.components.schemas.Problem?.properties.code).toMatchObject({ enum: codes });
    expect(document.components.schemas.FieldError?.properties.code).toMatchObject({
      enum: codes.filter((code) => !code.startsWith('request.')),
    });
    expect(ERROR_CODES['401']).toEqual(['auth.no_token', 'auth.token_incomplete']);
    expect(ERROR_CODES['413']).toEqual(['body.too_large']);
    expect(ERROR_CODES['404']).toEqual(expect.arrayContaining(['claim.not_found', 'cohort.not_found']));
    const notFound = document.components.responses.NotFound?.content['application/problem+json'];
    expect(JSON.stringify(notFound)).toContain('"claim.not_found"');
  });

  it('names in the 404 list every code a NotFound is thrown with (the codes end in .not_found)', () => {
    const thrown = readdirSync('shared', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [
        ...readFileSync(join('shared', file), 'utf8').matchAll(/new NotFound\(\s*says\('([\w.]+)'/g),
      ])
      .map((match) => match[1]);
    expect(thrown.length).toBeGreaterThan(0);
    expect(ERROR_CODES['404']).toEqual(expect.arrayContaining(thrown));
  });
});
