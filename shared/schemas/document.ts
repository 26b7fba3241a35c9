import { DOCUMENT_KINDS, MAX_DOCUMENT_BYTES } from '../domain/document.ts';
import { zodSays } from '../domain/error-codes.ts';
import { integer, text } from './primitives.ts';
import * as z from './zod.ts';

const largest = Math.max(...Object.values(MAX_DOCUMENT_BYTES));

/** `POST /cohorts/{cohortId}/documents`: what the enterprise is about to upload. */
export const CreateDocumentBody = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS),
  fileName: text(200).check(
    z.refine((value) => !/[/\\]/.test(value), { message: zodSays('document.file_name') }),
  ),
  contentType: z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.maxLength(100),
      z.regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, zodSays('document.media_type_shape')),
    ),
  sizeBytes: integer(1, largest),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, zodSays('document.file_sha256_shape'))),
});
export type CreateDocumentBody = z.output<typeof CreateDocumentBody>;

const id = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, zodSays('id.not_issued')));
export const DocumentPath = z.strictObject({ documentId: id });

/** What S3 puts on EventBridge when an object is created (the fields this system reads). */
export const ObjectCreatedEvent = z.looseObject({
  'detail-type': z.literal('Object Created'),
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({ key: z.string(), size: z.optional(z.number()) }),
  }),
});
