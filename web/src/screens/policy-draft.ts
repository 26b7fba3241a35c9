/**
 * The policy form's arithmetic, apart from the screen (`policy.tsx`) so the unit tests read it in
 * Node: the fields a policy record has, the record a form publishes, the next version number.
 */

type Leaf = number | boolean | string;
/** A value of the policy as a field: where it sits, and what it holds. */
export interface PolicyField {
  path: string;
  value: Leaf | undefined;
  /** The values the field may take, when it is one of a few (shown as a choice, each worded). */
  choices?: readonly string[];
  /** Empty means "none" (sent as null), not "unset": the fee cap. */
  nullable?: boolean;
}

/** Fields that take one of a few values (shared/schemas/policy.ts), offered as a choice. */
export const POLICY_CHOICES: Readonly<Record<string, readonly string[]>> = {
  'settlement.withdrawnMode': ['none', 'pro_rata'],
  'settlement.advanceBasis': ['first_year', 'whole_period'],
};

const LEVELS = ['4', '3', '2', '1'] as const;
/** Fields where null means "none" (shared/schemas/policy.ts): emptied, they send null. */
const NULLABLE = new Set(['settlement.feeCapBasisPoints']);
/** Set by the form itself (the version and its date), never listed among the values. */
const OWN = new Set(['policyVersion', 'effectiveFrom']);
/**
 * The top-level advance share only mirrors `settlement.advanceShareBasisPoints` (kept for older
 * clients); where the policy has the block, the form offers the share there and keeps the mirror equal.
 */
const MIRROR = 'advanceShareBasisPoints';

/** Every scalar of the policy, depth first; each target level's standards, set or not (empty: no standard). */
export function policyFields(policy: Record<string, unknown>, prefix = ''): PolicyField[] {
  const fields: PolicyField[] = [];
  for (const [key, value] of Object.entries(policy)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (OWN.has(path) || Array.isArray(value)) continue;
    if (path === MIRROR && policy.settlement !== undefined) continue;
    if (path === 'standardsFen') {
      const standards = (value ?? {}) as Record<string, Record<string, number> | undefined>;
      for (const level of LEVELS)
        for (const part of ['standard', 'shortage'])
          fields.push({ path: `standardsFen.${level}.${part}`, value: standards[level]?.[part] });
    } else if (value === null) {
      fields.push({ path, value: undefined, nullable: true });
    } else if (typeof value === 'object') {
      fields.push(...policyFields(value as Record<string, unknown>, path));
    } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
      const choices = POLICY_CHOICES[path];
      fields.push({
        path,
        value,
        ...(choices ? { choices } : {}),
        ...(NULLABLE.has(path) ? { nullable: true } : {}),
      });
    }
  }
  return fields;
}

/**
 * The policy to publish: the one in force with the values typed, under the new version. A number
 * field that does not read as a number is sent as typed, so the server names it; a level whose two
 * standards are both empty has no standard.
 */
export function draftPolicy(
  current: Record<string, unknown>,
  typed: Readonly<Record<string, string | boolean>>,
  version: { policyVersion: string; effectiveFrom: string },
): Record<string, unknown> {
  const draft = structuredClone(current);
  const fields = new Map(policyFields(current).map((field) => [field.path, field]));
  for (const [path, input] of Object.entries(typed)) {
    const field = fields.get(path);
    const value =
      typeof input === 'boolean' || typeof field?.value === 'string'
        ? input
        : input.trim() === ''
          ? field?.nullable
            ? null
            : undefined
          : /^-?\d+$/.test(input.trim())
            ? Number(input.trim())
            : input;
    setPath(draft, path.split('.'), value);
  }
  const settlement = draft.settlement as Record<string, unknown> | undefined;
  if (settlement !== undefined && draft[MIRROR] !== undefined) draft[MIRROR] = settlement[MIRROR];
  const standards = (draft.standardsFen ?? {}) as Record<string, Record<string, unknown>>;
  for (const level of LEVELS) {
    const entry = standards[level];
    if (entry && entry.standard === undefined && entry.shortage === undefined) delete standards[level];
  }
  return { ...draft, policyVersion: version.policyVersion, effectiveFrom: version.effectiveFrom };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown) {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    if (value === undefined) delete target[head];
    else target[head] = value;
    return;
  }
  const child = target[head];
  const next = child !== null && typeof child === 'object' ? (child as Record<string, unknown>) : {};
  if (value === undefined && next === child && Object.keys(next).length === 0) return;
  target[head] = next;
  setPath(next, rest, value);
}

/** The next version on a date: one after the version in force when it is the same day, else `.1`. */
export function nextVersion(current: { policyVersion: string; effectiveFrom: string }, date: string): string {
  if (current.effectiveFrom !== date) return `${date}.1`;
  const sequence = Number(current.policyVersion.split('.').pop() ?? '0');
  return `${date}.${sequence + 1}`;
}
