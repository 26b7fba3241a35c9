import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { objectStorage } from '../../shared/adapters/deps/documents.ts';
import { logger } from '../../shared/adapters/logger.ts';
import { confirmStoredObject } from '../../shared/domain/use-cases/documents.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { ObjectCreatedEvent } from '../../shared/schemas/document.ts';

/**
 * S3 "Object Created" (through EventBridge; in the embedded runtime, from the S3 stand-in): the
 * document whose object arrived becomes STORED, or REJECTED when the bytes are not the declared
 * ones. A failure is thrown, so EventBridge delivers the event again.
 */
export const handler = stepHandler(ObjectCreatedEvent, async (event) => {
  const result = await confirmStoredObject(
    { ...baseDeps(), objects: objectStorage() },
    { key: event.detail.object.key },
  );
  if (result.status === 'unknown')
    logger.warn('object without a document record', { bucket: event.detail.bucket.name });
  else logger.info('document checked', result);
  return result;
});
