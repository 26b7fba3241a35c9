import { says } from './error-codes.ts';
import { IdempotencyKeyReused } from './errors.ts';
import type { CohortStore, IdempotencyWrite } from './ports.ts';
import type { Reply } from './reply.ts';

/** The idempotency record was written by a concurrent request with the same key. */
export class DuplicateRequest extends Error {
  override name = 'DuplicateRequest';
}

/**
 * Runs a state-changing request at most once per `Idempotency-Key`: a repeat with the same key
 * and body returns the first reply; the same key with another body answers 422. The record is
 * written by the use case inside its own transaction (`save({ idempotency })`), so the change and
 * the record of it cannot part. `onReplay` lets a use case finish a side effect the first attempt
 * may not have completed (a callback, a workflow start).
 */
export async function idempotent(
  store: Pick<CohortStore, 'idempotency'>,
  request: { sub: string; key: string | undefined; fingerprint: string },
  run: (record: (reply: Reply) => IdempotencyWrite | undefined) => Promise<Reply>,
  onReplay?: (reply: Reply) => Promise<void>,
): Promise<Reply> {
  const { key } = request;
  const replay = async (): Promise<Reply | undefined> => {
    if (!key) return undefined;
    const existing = await store.idempotency(request.sub, key);
    if (!existing) return undefined;
    if (existing.fingerprint !== request.fingerprint) {
      throw new IdempotencyKeyReused(says('idempotency.key_reused'));
    }
    if (onReplay) await onReplay(existing.reply);
    return existing.reply;
  };
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await run((reply) =>
      key ? { sub: request.sub, key, fingerprint: request.fingerprint, reply } : undefined,
    );
  } catch (error) {
    if (error instanceof DuplicateRequest) {
      const winner = await replay();
      if (winner) return winner;
    }
    throw error;
  }
}
