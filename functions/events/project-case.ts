import { readModelDeps } from '../../shared/adapters/deps/read-models.ts';
import { projectCaseChange } from '../../shared/domain/read-models/projection.ts';
import { stepHandler } from '../../shared/http/step.ts';
import { CaseChangedEvent } from '../../shared/schemas/reports.ts';

/**
 * The read-model projector (issue 15 item 5): EventBridge `case.changed` (an audit record was
 * written in a case's partition; see publish-case-changes) → the case's cells projected again. A
 * failure is thrown, so EventBridge delivers the event again (the projection is idempotent).
 */
export const handler = stepHandler(CaseChangedEvent, (event) =>
  projectCaseChange(readModelDeps(), event.detail.pk, event.detail.sk),
);
