import { DOCUMENT_KINDS, MAX_DOCUMENT_BYTES } from '../domain/document.ts';
import { integer, text } from './primitives.ts';
import * as z from './zod.ts';

const largest = Math.max(...Object.values(MAX_DOCUMENT_BYTES));

/** `POST /cohorts/{cohortId}/documents`: what the enterprise is about to upload. */
export const CreateDocumentBody = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS),
  fileName: text(200).check(
    z.refine((value) => !/[/\\]/.test(value), { message: 'a file name, without folders' }),
  ),
  contentType: z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.maxLength(100),
      z.regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, 'a media type such as video/mp4 or application/pdf'),
    ),
  sizeBytes: integer(1, largest),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the file: 64 lower-case hex digits')),
});
export type CreateDocumentBody = z.output<typeof CreateDocumentBody>;

const id = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'is not an id this API gave out'));
export const DocumentPath = z.strictObject({ documentId: id });

/** What S3 puts on EventBridge when an object is created (the fields this system reads). */
export const ObjectCreatedEvent = z.looseObject({
  'detail-type': z.literal('Object Created'),
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({ key: z.string(), size: z.optional(z.number()) }),
  }),
});
