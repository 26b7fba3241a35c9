/**
 * Turns zod issues into the `errors` array of a problem+json answer:
 * `{ path: 'apprentices.3.idNumber', message: 'check character is wrong' }`.
 * Messages come from the schemas and never echo the submitted value.
 */

import { fromZodMessage, says } from '../domain/error-codes.ts';
import { type FieldError, fieldError, ValidationFailed } from '../domain/errors.ts';
import type * as z from './zod.ts';

export function pathToString(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => (typeof segment === 'symbol' ? (segment.description ?? '') : String(segment)))
    .join('.');
}

function joinPath(parent: string, key: string): string {
  if (parent === '') return key;
  return key === '' ? parent : `${parent}.${key}`;
}

/**
 * `prefix` places the paths inside a larger body: the rows of `POST …/apprentices` are parsed as
 * an array but reported as `apprentices.3.idNumber`, like the same rows of `POST /cohorts`.
 */
export function zodIssuesToFieldErrors(
  error: z.core.$ZodError,
  options: { prefix?: string } = {},
): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const path = joinPath(options.prefix ?? '', pathToString(issue.path));
    if (issue.code === 'unrecognized_keys') {
      // One entry per unknown field, at the field itself, so a form can point at it.
      for (const key of issue.keys) errors.push(fieldError(joinPath(path, key), says('field.unknown')));
    } else {
      // The schemas' messages are code tokens (`zodSays`); a message zod wrote itself keeps its words.
      const said = fromZodMessage(issue.message);
      errors.push(said ? fieldError(path, said) : { path, code: 'field.invalid', message: issue.message });
    }
  }
  return errors;
}

/** Parses `input` or throws `ValidationFailed` carrying every field error. */
export function parseOrFail<T extends z.ZodMiniType>(
  schema: T,
  input: unknown,
  options: { prefix?: string } = {},
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationFailed(zodIssuesToFieldErrors(result.error, options));
  return result.data;
}
