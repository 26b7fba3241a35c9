import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/function-map.ts';
import { openApiDocument } from '../../shared/http/openapi.ts';

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

  it('renders every body schema to JSON Schema', () => {
    const schemas = (document as unknown as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    for (const [name, schema] of Object.entries(schemas)) expect(schema, name).toBeTypeOf('object');
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['CreateClaimBody', 'CreateDocumentBody']));
  });
});
