import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectCreated } from './api.ts';
import { describe } from './errors.ts';

/**
 * S3 -> EventBridge "Object Created", redelivered with backoff when the target fails; kept in an
 * outbox until delivered, so a restart delivers what a crash left.
 */

export interface Notifier {
  /** Delivers once, awaited; a failure is retried in the background and does not throw. */
  deliver(event: ObjectCreated): Promise<void>;
  idle(): Promise<void>;
  /** Ends the waits of pending retries (the runtime is going away); they stay in the outbox. */
  stop(): void;
  /** Delivers what the outbox holds (notifications a crash or a stop left undelivered). */
  redeliverOutbox(): Promise<void>;
}

export function createNotifier(
  target: ((event: ObjectCreated) => Promise<void>) | undefined,
  retryDelays: readonly number[],
  log: (line: string) => void,
  outboxDir: string,
): Notifier {
  const pending = new Set<Promise<void>>();
  const outboxFile = (event: ObjectCreated) =>
    join(outboxDir, `${createHash('sha256').update(`${event.bucket}/${event.key}`).digest('hex')}.json`);
  const stopped = new AbortController();

  const wait = (ms: number) =>
    new Promise<void>((done) => {
      if (stopped.signal.aborted) return done();
      const timer = setTimeout(done, ms);
      timer.unref();
      stopped.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          done();
        },
        { once: true },
      );
    });

  /** The first attempt settles `firstDone` (the PUT waits for it); later ones run in the background. */
  async function deliverWithRetries(event: ObjectCreated, firstDone: () => void): Promise<void> {
    const what = `Object Created ${event.bucket}/${event.key}`;
    const attempts = retryDelays.length + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await target!(event);
        if (attempt > 1) log(`[s3] ${what} delivered on attempt ${attempt}/${attempts}`);
        await rm(outboxFile(event), { force: true });
        return;
      } catch (error) {
        const delay = retryDelays[attempt - 1];
        const next = delay === undefined ? 'giving up' : `retrying in ${delay} ms`;
        log(`[s3] ${what} failed (attempt ${attempt}/${attempts}): ${describe(error)}; ${next}`);
        if (delay === undefined) return;
      } finally {
        if (attempt === 1) firstDone();
      }
      await wait(retryDelays[attempt - 1]!);
      if (stopped.signal.aborted) {
        log(`[s3] ${what} not delivered yet: the object storage closed; it stays in the outbox`);
        return;
      }
    }
  }

  const start = (event: ObjectCreated) => {
    let firstDone!: () => void;
    const firstAttempt = new Promise<void>((settle) => {
      firstDone = settle;
    });
    const delivery = deliverWithRetries(event, firstDone);
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
    return firstAttempt;
  };

  return {
    async redeliverOutbox() {
      if (!target) return;
      for (const name of await readdir(outboxDir).catch(() => [] as string[])) {
        if (!name.endsWith('.json') || stopped.signal.aborted) continue;
        try {
          const event = JSON.parse(await readFile(join(outboxDir, name), 'utf8')) as ObjectCreated;
          log(`[s3] Object Created ${event.bucket}/${event.key} redelivered from the outbox`);
          await start(event);
        } catch (error) {
          log(`[s3] outbox entry ${name} unreadable: ${describe(error)}`);
        }
      }
    },
    async deliver(event) {
      if (!target || stopped.signal.aborted) return;
      // Written before the first attempt: a crash in between leaves it for the next start.
      await writeFile(outboxFile(event), JSON.stringify(event));
      await start(event);
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop() {
      stopped.abort();
    },
  };
}
