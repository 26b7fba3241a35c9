/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (an esbuild alias in
 * `BUNDLING`, infra/constructs/functions.ts). The SDK's protocols import it on demand for
 * operations that stream events (S3 SelectObjectContent, Lambda InvokeWithResponseStream); no
 * operation the functions call does, yet the import costs ~13 KB of every bundle. Clients are
 * still built as usual (S3 resolves its marshaller at construction); using a stream says why it
 * fails instead of failing somewhere inside the SDK.
 *
 * Only the bundles are aliased: the embedded runtime and the tests run the real module.
 */
const NOT_BUNDLED =
  'event streams are not bundled in the ApprenticeFlow functions (infra/bundling/no-event-streams.ts)';

function notBundled(): never {
  throw new Error(NOT_BUNDLED);
}

/** The marshaller a client resolves at construction; it refuses only when a stream is used. */
export const eventStreamSerdeProvider = () => ({ serialize: notBundled, deserialize: notBundled });
export const universalEventStreamSerdeProvider = eventStreamSerdeProvider;

export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
