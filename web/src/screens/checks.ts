/**
 * Glue between the checks (client-side, loaded on demand) and the screens: load the validator
 * module once, keep server errors on the cell they were about until someone edits that cell, and a
 * flash message carried across a navigation.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FieldError } from '../api.ts';
import { useApp } from '../context.ts';
import { todayInChina } from '../format.ts';
import type { RosterField, RosterRow } from '../roster/model.ts';
import { cellOfPath } from '../roster/model.ts';
import type { RulesContext } from '../roster/validate.ts';

export type Validator = typeof import('../roster/validate.ts');

/** The validator module and the reference data its rules need; undefined until both are here. */
export function useChecks(): { validator: Validator; context: RulesContext } | undefined {
  const { occupations, policy } = useApp();
  const [loaded, setLoaded] = useState<{ validator: Validator; context: RulesContext }>();
  useEffect(() => {
    let live = true;
    Promise.all([import('../roster/validate.ts'), occupations(), policy()]).then(
      ([validator, catalogue, inForce]) => {
        if (live)
          setLoaded({
            validator,
            context: { policy: inForce, occupations: catalogue, today: todayInChina() },
          });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [occupations, policy]);
  return loaded;
}

/** An API error about a roster cell, pinned to the row (by key) and the value it judged. */
export interface PinnedCellError {
  rowKey: string;
  field: RosterField;
  value: string;
  /** The error as the API gave it (its path is re-made from the row's place). */
  error: FieldError;
}

/**
 * Splits the API's field errors into those about roster cells (pinned to the row and value, so
 * they stay on the right cell while rows move and go away once the cell is edited) and the rest.
 */
export function pinServerErrors(
  errors: readonly FieldError[],
  rows: readonly RosterRow[],
  prefix = 'apprentices',
): { pinned: PinnedCellError[]; other: FieldError[] } {
  const pinned: PinnedCellError[] = [];
  const other: FieldError[] = [];
  for (const error of errors) {
    const cell = cellOfPath(error.path, prefix);
    const row = cell ? rows[cell.row] : undefined;
    if (cell && row) {
      const field = cell.field ?? 'name';
      pinned.push({ rowKey: row.key, field, value: row[field], error });
    } else other.push(error);
  }
  return { pinned, other };
}

/** Pinned errors that still apply, as paths on the current rows. */
export function unpinServerErrors(
  pinned: readonly PinnedCellError[],
  rows: readonly RosterRow[],
  prefix = 'apprentices',
): FieldError[] {
  return pinned.flatMap((error) => {
    const index = rows.findIndex((row) => row.key === error.rowKey);
    if (index === -1 || rows[index]![error.field] !== error.value) return [];
    return [{ ...error.error, path: `${prefix}.${index}.${fieldPath(error.field)}` }];
  });
}

function fieldPath(field: RosterField): string {
  if (field === 'contractStartDate') return 'contract.startDate';
  if (field === 'contractEndDate') return 'contract.endDate';
  return field;
}

let flash: string | undefined;

/** A message for the next screen ("cohort created"). */
export function setFlash(message: string): void {
  flash = message;
}

export function takeFlash(): string | undefined {
  const message = flash;
  flash = undefined;
  return message;
}
