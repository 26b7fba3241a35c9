/**
 * Thrown by a step that opens a waiting task when its case has moved on (withdrawn, or another
 * round began): the state machines catch `CaseWithdrawn` by name and close the round.
 */
export class CaseWithdrawn extends Error {
  override name = 'CaseWithdrawn';
}
