/**
 * The one-time correction notice (一次性告知补正, domain.md "handling limits"): a return lists every
 * item to correct, each a field path of the case (`apprentices.3.contract`) or a document kind,
 * with a note. Each item keeps what its field held when it was listed (a fingerprint), so the
 * clerk's checklist ticks itself off when the field changes and the resubmission tells the reviewer
 * which items changed. A second return at the same stage must name, in its reason, what the first
 * did not list.
 */
import { says } from './error-codes.ts';
import { type FieldError, fieldError } from './errors.ts';

export interface CorrectionInput {
  path?: string | undefined;
  documentKind?: string | undefined;
  note: string;
}

export interface CorrectionItem {
  path?: string;
  documentKind?: string;
  note: string;
  /** What the field held when it was listed (JSON); the item is ticked off once it differs. */
  was: string;
}

export interface CorrectionNotice {
  stage: string;
  round: number;
  at: string;
  by: string;
  items: CorrectionItem[];
  /** At resubmission: which items (by index) had changed. */
  changed?: number[];
}

/** What a field path reads in a case; the ID number and phone by their look-up hash (never in clear). */
export function valueAt(record: unknown, path: string): unknown {
  let node: unknown = record;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    const key = part === 'idNumber' ? 'idHash' : part === 'phone' ? 'phoneHash' : part;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const keyOf = (item: { path?: string | undefined; documentKind?: string | undefined }) =>
  item.path ? `path:${item.path}` : `doc:${item.documentKind}`;

/**
 * The notice a return writes, or the field errors that refuse it: each item names a path of the
 * case that exists (or a document kind, where the case has documents), and a second return at the
 * same stage names in its reason every item the first did not list.
 */
export function correctionNotice(
  current: { corrections?: CorrectionNotice[] | undefined },
  documents: ((kind: string) => unknown) | undefined,
  input: { items: CorrectionInput[]; reason: string },
  at: { stage: string; round: number; at: string; by: string },
): CorrectionNotice | FieldError[] {
  const first = current.corrections?.find((notice) => notice.stage === at.stage);
  const listed = first?.items.map(keyOf) ?? [];
  const errors: FieldError[] = [];
  const items = input.items.map((item, index) => {
    const value = item.path ? valueAt(current, item.path) : documents?.(item.documentKind!);
    // A path the case does not have, or a document kind where it has none (a cohort under review).
    if (value === undefined && (item.path || !documents)) {
      errors.push(
        fieldError(
          `corrections.${index}.${item.path ? 'path' : 'documentKind'}`,
          says('corrections.unknown_path'),
        ),
      );
    }
    const name = item.path ?? item.documentKind!;
    if (first && !listed.includes(keyOf(item)) && !input.reason.includes(name)) {
      errors.push(fieldError('reason', says('corrections.new_items_reason', { item: name })));
    }
    return { ...item, was: JSON.stringify(value) ?? '' } as CorrectionItem;
  });
  return errors.length > 0 ? errors : { ...at, items };
}

/** Which items of a notice have changed since it was written (indexes). */
export function changedItems(
  notice: CorrectionNotice,
  record: unknown,
  documents: (kind: string) => unknown,
): number[] {
  return notice.items.flatMap((item, index) => {
    const now = JSON.stringify(item.path ? valueAt(record, item.path) : documents(item.documentKind!)) ?? '';
    return now === item.was ? [] : [index];
  });
}

/** The latest notice as a party sees it: each item with `changed` (live while the case is with the applicant). */
export function correctionsView(
  notices: CorrectionNotice[] | undefined,
  record: unknown,
  documents: (kind: string) => unknown,
  live: boolean,
) {
  const notice = notices?.at(-1);
  if (!notice) return undefined;
  const changed = live ? changedItems(notice, record, documents) : (notice.changed ?? []);
  return {
    stage: notice.stage,
    round: notice.round,
    at: notice.at,
    items: notice.items.map(({ was: _was, ...item }, index) => ({
      ...item,
      changed: changed.includes(index),
    })),
  };
}
