/**
 * `POST /tasks/{taskId}/decision`: one body for every review task of every workflow (the review
 * lifecycle, shared/domain/use-cases/review-lifecycle.ts); the stage data a case type takes is
 * optional here and checked by its use case.
 */
import { zodSays } from '../domain/error-codes.ts';
import {
  Flag,
  integer,
  Key,
  list,
  MAX_ROWS_PER_REQUEST,
  PersonName,
  ReferenceNo,
  requiredOr,
  text,
  typeMessage,
  Ulid,
} from './primitives.ts';
import * as z from './zod.ts';

const objectError = { error: typeMessage('field.not_object') };

export const SchoolMentorInput = z.strictObject(
  { key: Key, name: PersonName, teacherNo: ReferenceNo },
  objectError,
);

export const EnrolmentInput = z.strictObject(
  { apprenticeId: Ulid, studentNumber: ReferenceNo, schoolMentorKey: Key },
  objectError,
);

/** Enrolment covers every apprentice of a cohort in one decision; the policy may allow more than 200. */
const MAX_ENROLMENT_ROWS = 10_000;

/** `POST /tasks/{taskId}/decision`. */
export const DecisionBody = z
  .strictObject(
    {
      /** `uphold` and `dismiss` decide a public objection's task (issue 14), with a reason. */
      decision: z.enum(['approve', 'return', 'reject', 'uphold', 'dismiss'], {
        error: requiredOr('decision.unknown'),
      }),
      /** Optional for approve, required for return and reject. */
      reason: z.optional(
        z
          .string({ error: typeMessage('field.not_text') })
          .check(
            z.trim(),
            z.minLength(1, zodSays('text.empty')),
            z.maxLength(500, zodSays('text.too_long', { max: 500 })),
          ),
      ),
      /** School stage of cohort-filing, approve only. */
      schoolMentors: z.optional(list(SchoolMentorInput, MAX_ROWS_PER_REQUEST, 1)),
      /** School stage of cohort-filing, approve only: one row per apprentice. */
      enrolment: z.optional(list(EnrolmentInput, MAX_ENROLMENT_ROWS, 1)),
      /** Bureau review of a claim: the amount approved, at most the computed one (the use case checks). */
      approvedAmountFen: z.optional(integer(0)),
      /** School verification of a claim, approve only: hours attended per apprentice. */
      attendance: z.optional(
        list(
          z.strictObject({ apprenticeId: Ulid, hours: integer(0, 10_000) }, objectError),
          MAX_ENROLMENT_ROWS,
          1,
        ),
      ),
      /** School verification of a final claim: every assessment result checked again. */
      outcomesConfirmed: z.optional(Flag),
      /** Return only: the one-time correction notice (一次性告知), each a field path or a document kind. */
      corrections: z.optional(
        list(
          z.strictObject(
            { path: z.optional(text(200)), documentKind: z.optional(text(40)), note: text(500) },
            objectError,
          ),
          50,
          1,
        ),
      ),
    },
    objectError,
  )
  .check(
    z.superRefine((body, ctx) => {
      body.corrections?.forEach((item, index) => {
        if ((item.path === undefined) === (item.documentKind === undefined) || body.decision !== 'return') {
          ctx.addIssue({
            code: 'custom',
            path: ['corrections', index],
            message: zodSays(
              body.decision === 'return' ? 'corrections.path_or_document' : 'corrections.return_only',
            ),
          });
        }
      });
      if (body.decision !== 'approve') {
        if (body.reason === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['reason'],
            message: zodSays('decision.reason_required', { decision: body.decision }),
          });
        }
        for (const field of [
          'schoolMentors',
          'enrolment',
          'approvedAmountFen',
          'attendance',
          'outcomesConfirmed',
        ] as const) {
          if (body[field] !== undefined) {
            ctx.addIssue({ code: 'custom', path: [field], message: zodSays('field.only_with_approve') });
          }
        }
        return;
      }
      const mentorRow = new Map<string, number>();
      body.schoolMentors?.forEach((mentor, row) => {
        const earlier = mentorRow.get(mentor.key);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['schoolMentors', row, 'key'],
            message: zodSays('row.key_repeated', { row: earlier }),
          });
        } else mentorRow.set(mentor.key, row);
      });
      if (body.enrolment && !body.schoolMentors) {
        ctx.addIssue({
          code: 'custom',
          path: ['schoolMentors'],
          message: zodSays('enrolment.with_school_mentors'),
        });
      }
      const apprenticeRow = new Map<string, number>();
      const studentNumberRow = new Map<string, number>();
      body.enrolment?.forEach((row, index) => {
        const earlierApprentice = apprenticeRow.get(row.apprenticeId);
        if (earlierApprentice !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['enrolment', index, 'apprenticeId'],
            message: zodSays('enrolment.apprentice_repeated', { row: earlierApprentice }),
          });
        } else apprenticeRow.set(row.apprenticeId, index);
        const earlierNumber = studentNumberRow.get(row.studentNumber);
        if (earlierNumber !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['enrolment', index, 'studentNumber'],
            message: zodSays('enrolment.student_number_repeated', { row: earlierNumber }),
          });
        } else studentNumberRow.set(row.studentNumber, index);
        if (body.schoolMentors && !mentorRow.has(row.schoolMentorKey)) {
          ctx.addIssue({
            code: 'custom',
            path: ['enrolment', index, 'schoolMentorKey'],
            message: zodSays('enrolment.no_school_mentor', { key: row.schoolMentorKey }),
          });
        }
      });
    }),
  );

export type SchoolMentorInput = z.output<typeof SchoolMentorInput>;
export type EnrolmentInput = z.output<typeof EnrolmentInput>;
export type DecisionBody = z.output<typeof DecisionBody>;
