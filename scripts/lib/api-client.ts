/**
 * A small client of the HTTP API for the demo, the tests and the benchmarks: tokens from the
 * embedded runtime's dev issuer, JSON in and out, `Idempotency-Key` when asked.
 */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  private readonly tokens = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async token(user: string): Promise<string> {
    const cached = this.tokens.get(user);
    if (cached) return cached;
    const response = await fetch(`${this.baseUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user }),
    });
    if (!response.ok) throw new Error(`No token for ${user}: ${response.status} ${await response.text()}`);
    const { token } = (await response.json()) as { token: string };
    this.tokens.set(user, token);
    return token;
  }

  as(user: string) {
    const call = async <T = any>(
      method: string,
      path: string,
      body?: unknown,
      options: { idempotencyKey?: string; contentType?: string; raw?: string } = {},
    ): Promise<ApiResponse<T>> => {
      const headers: Record<string, string> = { authorization: `Bearer ${await this.token(user)}` };
      if (body !== undefined || options.raw !== undefined)
        headers['content-type'] = options.contentType ?? 'application/json';
      if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (CSV reports): keep the text
      }
      return { status: response.status, body: parsed as T, headers: response.headers };
    };
    return {
      get: <T = any>(path: string) => call<T>('GET', path),
      post: <T = any>(
        path: string,
        body?: unknown,
        options?: { idempotencyKey?: string; contentType?: string; raw?: string },
      ) => call<T>('POST', path, body, options),
      patch: <T = any>(path: string, body?: unknown, options?: { idempotencyKey?: string }) =>
        call<T>('PATCH', path, body, options),
      put: <T = any>(
        path: string,
        body?: unknown,
        options?: { idempotencyKey?: string; contentType?: string; raw?: string },
      ) => call<T>('PUT', path, body, options),
      delete: <T = any>(path: string, options?: { idempotencyKey?: string }) =>
        call<T>('DELETE', path, undefined, options),
    };
  }

  async setClock(now: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}/dev/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now }),
    });
    if (!response.ok) throw new Error(`Clock not moved: ${response.status}`);
  }

  async now(): Promise<Date> {
    const response = await fetch(`${this.baseUrl}/dev/clock`);
    return new Date(((await response.json()) as { now: string }).now);
  }

  /**
   * Polls the user's inbox until a task for the case and stage appears (a workflow step away; on a
   * busy 2-core machine with fifty workflows under way that took more than 15 s once, so 45).
   */
  async waitForTask(
    user: string,
    caseId: string,
    stage: string,
    timeoutMs = 45_000,
  ): Promise<{ taskId: string; dueAt: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let cursor: string | null = null;
      do {
        const page: ApiResponse = await this.as(user).get(
          `/tasks?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        if (page.status !== 200)
          throw new Error(`GET /tasks answered ${page.status}: ${JSON.stringify(page.body)}`);
        const found = page.body.items.find(
          (task: { caseId: string; stage: string }) => task.caseId === caseId && task.stage === stage,
        );
        if (found) return found;
        cursor = page.body.nextCursor;
      } while (cursor);
      if (Date.now() > deadline)
        throw new Error(`No ${stage} task for ${caseId} in ${user}'s inbox after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
