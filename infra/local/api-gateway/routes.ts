import type { ExtraRoute, LambdaRoute } from './api.ts';

/** Routes as API Gateway matches them: `{param}` and greedy `{proxy+}` segments, the most specific first. */

type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

export interface CompiledRoute {
  method: string;
  routeKey: string;
  segments: Segment[];
  target: { kind: 'lambda'; route: LambdaRoute } | { kind: 'extra'; route: ExtraRoute };
}

interface RouteMatch {
  route: CompiledRoute;
  pathParameters: Record<string, string>;
}

export function compileRoute(method: string, path: string, target: CompiledRoute['target']): CompiledRoute {
  const upper = method.toUpperCase();
  if (!/^[A-Z]+$/.test(upper)) throw new Error(`Route ${method} ${path}: bad method`);
  if (!path.startsWith('/')) throw new Error(`Route ${method} ${path}: the path must start with /`);
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const segments = parts.map((part, index): Segment => {
    const variable = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(part);
    if (!variable) {
      if (part === '' || part.includes('{') || part.includes('}')) {
        throw new Error(`Route ${method} ${path}: bad segment "${part}"`);
      }
      return { kind: 'literal', value: part };
    }
    if (variable[2] === '+') {
      if (index !== parts.length - 1)
        throw new Error(`Route ${method} ${path}: a greedy variable must come last`);
      return { kind: 'greedy', name: variable[1]! };
    }
    return { kind: 'param', name: variable[1]! };
  });
  return { method: upper, routeKey: `${upper} ${path}`, segments, target };
}

/** Matches decoded path segments; undefined when the path does not fit the template. */
function matchSegments(template: Segment[], segments: string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (let index = 0; index < template.length; index++) {
    const part = template[index]!;
    if (part.kind === 'greedy') {
      const rest = segments.slice(index);
      if (rest.length === 0 || rest.every((segment) => segment === '')) return undefined;
      parameters[part.name] = rest.join('/');
      return parameters;
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    if (part.kind === 'literal') {
      if (segment !== part.value) return undefined;
    } else {
      if (segment === '') return undefined;
      parameters[part.name] = segment;
    }
  }
  return segments.length === template.length ? parameters : undefined;
}

/**
 * API Gateway's order: the most specific route wins — literal segments before `{param}`, a route
 * without a greedy variable before one with, and an exact method before `ANY`.
 */
export function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const greedy = (route: CompiledRoute) => (route.segments.some((s) => s.kind === 'greedy') ? 1 : 0);
  if (greedy(a) !== greedy(b)) return greedy(a) - greedy(b);
  const rank = { literal: 0, param: 1, greedy: 2 } as const;
  for (let index = 0; index < Math.min(a.segments.length, b.segments.length); index++) {
    const difference = rank[a.segments[index]!.kind] - rank[b.segments[index]!.kind];
    if (difference !== 0) return difference;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

export function findRoute(
  routes: CompiledRoute[],
  method: string,
  segments: string[],
): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const pathParameters = matchSegments(route.segments, segments);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}
