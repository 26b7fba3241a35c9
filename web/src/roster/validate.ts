/**
 * Checks in the browser with the server's own code: the zod schemas of `shared/schemas/cohort.ts`
 * (shape and each field, with the same messages and paths) and `checkCohortRules` of
 * `shared/domain/cohort-rules.ts` (the policy's numbers, several fields at once). So every bad
 * cell shows before anything is sent. What needs the database (a person in another active
 * cohort, a mentor's load across cohorts) the API still answers, on the same paths.
 *
 * Loaded on demand: the schemas bring zod, which only the editing screens need.
 */
import type { CohortView } from '../../../shared/domain/cohort.ts';
import { type ApprenticeForRules, checkCohortRules } from '../../../shared/domain/cohort-rules.ts';
import { says } from '../../../shared/domain/error-codes.ts';
import { type FieldError, fieldError } from '../../../shared/domain/errors.ts';
import { findOccupation, type Occupation } from '../../../shared/domain/occupations.ts';
import type { Policy } from '../../../shared/domain/policy.ts';
import { ApprenticeInput, CreateCohortBody, UpdateCohortBody } from '../../../shared/schemas/cohort.ts';
import { DecisionBody } from '../../../shared/schemas/decision.ts';
import { zodIssuesToFieldErrors } from '../../../shared/schemas/errors.ts';

export interface RulesContext {
  policy: Policy;
  occupations: readonly Occupation[];
  /** Today in China, `YYYY-MM-DD`. */
  today: string;
}

type CohortFields = Omit<CohortView, 'apprentices'>;

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\n${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Each row on its own with the apprentice schema; paths `apprentices.<index>.<field>`. */
function checkRows(rows: readonly unknown[], firstIndex = 0) {
  const valid: { index: number; row: ApprenticeInput }[] = [];
  const errors: FieldError[] = [];
  rows.forEach((row, offset) => {
    const index = firstIndex + offset;
    const parsed = ApprenticeInput.safeParse(row);
    if (parsed.success) valid.push({ index, row: parsed.data });
    else errors.push(...zodIssuesToFieldErrors(parsed.error, { prefix: `apprentices.${index}` }));
  });
  return { valid, errors };
}

/** Maps rule errors on `apprentices.<k>` (k = position among the rows given) back to the row's index. */
function rebaseRuleErrors(errors: FieldError[], indexOf: (k: number) => number | undefined): FieldError[] {
  return errors.flatMap((error) => {
    const match = /^apprentices\.(\d+)(\..*)?$/.exec(error.path);
    if (!match) return [error];
    const index = indexOf(Number(match[1]));
    return index === undefined ? [] : [{ ...error, path: `apprentices.${index}${match[2] ?? ''}` }];
  });
}

/** Duplicates the rules name over the rows that parsed; the roster's own check names them over all. */
const isDuplicate = (error: FieldError) => error.code === 'apprentice.person_repeated';

/**
 * What the roster says on its own, whatever else is wrong (the rules run only over rows that parse,
 * and only once the cohort's fields do): the same ID number twice, and mentor keys the cohort has
 * no mentor for. Messages as the rules word them (words.ts says them in Chinese); rows counted
 * from 0 like the paths, over every row given.
 */
export function checkRosterRows(rows: readonly unknown[], mentorKeys: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const { idNumber, enterpriseMentorKey } = (row ?? {}) as {
      idNumber?: unknown;
      enterpriseMentorKey?: unknown;
    };
    if (typeof idNumber === 'string' && idNumber.trim()) {
      const person = idNumber.trim().toUpperCase();
      const earlier = seen.get(person);
      if (earlier === undefined) seen.set(person, index);
      else
        errors.push(
          fieldError(`apprentices.${index}.idNumber`, says('apprentice.person_repeated', { row: earlier })),
        );
    }
    if (
      typeof enterpriseMentorKey === 'string' &&
      enterpriseMentorKey.trim() &&
      !mentorKeys.has(enterpriseMentorKey.trim())
    )
      errors.push(
        fieldError(
          `apprentices.${index}.enterpriseMentorKey`,
          says('mentor.no_such_key', { key: enterpriseMentorKey.trim() }),
        ),
      );
  });
  return errors;
}

/** The mentor keys a body names (filled ones), even when the rest of its fields do not parse. */
function mentorKeysOf(mentors: unknown): Set<string> {
  return new Set(
    (Array.isArray(mentors) ? mentors : [])
      .map((mentor) => (mentor as { key?: unknown } | null)?.key)
      .filter((key): key is string => typeof key === 'string' && key.trim() !== '')
      .map((key) => key.trim()),
  );
}

/**
 * A whole `POST /cohorts` body: the cohort's fields, every row, then the rules over the parts
 * that parsed — so a bad row does not hide the rule errors of the others — and the roster's own
 * checks (duplicates, unknown mentors) over every row, from the first row typed or uploaded.
 */
export function checkNewCohort(
  body: Record<string, unknown> & { apprentices: unknown[] },
  ctx: RulesContext,
): FieldError[] {
  const fields = CreateCohortBody.safeParse({ ...body, apprentices: [] });
  const errors: FieldError[] = fields.success ? [] : zodIssuesToFieldErrors(fields.error);
  if (body.apprentices.length > 200)
    errors.push(fieldError('apprentices', says('list.too_many', { max: 200 })));
  const rows = checkRows(body.apprentices);
  errors.push(...rows.errors);
  if (fields.success) {
    const cohort = fields.data;
    const ruleErrors = checkCohortRules(
      { ...cohort, apprentices: rows.valid.map(({ row }) => row) },
      {
        policy: ctx.policy,
        occupation: findOccupation(ctx.occupations, cohort.occupationCode),
        today: ctx.today,
        forSubmission: false,
      },
    );
    // Duplicates are named by checkRosterRows below, with rows counted over every row given.
    errors.push(
      ...rebaseRuleErrors(ruleErrors, (k) => rows.valid[k]?.index).filter((error) => !isDuplicate(error)),
    );
  }
  errors.push(...checkRosterRows(body.apprentices, mentorKeysOf(body.enterpriseMentors)));
  return dedupe(errors);
}

/** A `PATCH /cohorts/{id}` body, with the rules over the cohort as it would become. */
export function checkCohortEdit(
  body: Record<string, unknown>,
  current: CohortView,
  ctx: RulesContext,
): FieldError[] {
  const parsed = UpdateCohortBody.safeParse(body);
  if (!parsed.success) return dedupe(zodIssuesToFieldErrors(parsed.error));
  const { version: _version, apprentices: _apprentices, ...changes } = parsed.data;
  const merged = {
    ...current,
    ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
  };
  const ruleErrors = checkCohortRules(
    { ...(merged as CohortFields), apprentices: existingForRules(current) },
    {
      policy: ctx.policy,
      occupation: findOccupation(ctx.occupations, merged.occupationCode),
      today: ctx.today,
      forSubmission: false,
    },
  );
  // Errors about rows already stored are the server's to report; here only the cohort's fields.
  return dedupe(ruleErrors.filter((error) => !error.path.startsWith('apprentices.')));
}

/**
 * Stored rows as the rules can count them: the console sees masked IDs only, so each stands in
 * as a distinct person with no birth date; mentor loads and contract rules still count them.
 */
function existingForRules(cohort: CohortView): ApprenticeForRules[] {
  return cohort.apprentices.map((apprentice) => ({
    birthDate: '',
    idHash: `stored:${apprentice.apprenticeId}`,
    enterpriseMentorKey: apprentice.enterpriseMentorKey,
    contract: apprentice.contract,
  }));
}

/** Rows for `POST /cohorts/{id}/apprentices`; paths count from 0 in the request, as the API's do. */
export function checkAddedRows(
  rows: readonly unknown[],
  cohort: CohortView,
  ctx: RulesContext,
): FieldError[] {
  const checked = checkRows(rows);
  const existing = existingForRules(cohort);
  const ruleErrors = checkCohortRules(
    {
      ...(cohort as CohortFields),
      trainingJustification: cohort.trainingJustification ?? null,
      apprentices: [...existing, ...checked.valid.map(({ row }) => row)],
    },
    {
      policy: ctx.policy,
      occupation: findOccupation(ctx.occupations, cohort.occupationCode),
      today: ctx.today,
      forSubmission: false,
    },
  );
  return dedupe([
    ...checked.errors,
    ...rebaseRuleErrors(ruleErrors, (k) =>
      k < existing.length ? undefined : checked.valid[k - existing.length]?.index,
    ).filter((error) => !isDuplicate(error)),
    ...checkRosterRows(rows, new Set(cohort.enterpriseMentors.map((mentor) => mentor.key))),
  ]);
}

/** The school's approval body (`POST /tasks/{id}/decision`). */
export function checkDecision(body: unknown): FieldError[] {
  const parsed = DecisionBody.safeParse(body);
  return parsed.success ? [] : dedupe(zodIssuesToFieldErrors(parsed.error));
}
