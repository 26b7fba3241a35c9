import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { stepFunctions } from '../../shared/adapters/deps/workflows.ts';
import { decideTask } from '../../shared/domain/use-cases/cohort-filing.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { DecisionBody } from '../../shared/schemas/cohort.ts';
import { TaskPath } from '../../shared/schemas/http.ts';

export const handler = httpHandler({ params: TaskPath, body: DecisionBody }, (request) =>
  decideTask(
    { ...baseDeps(), workflows: stepFunctions() },
    request.principal,
    request.params.taskId,
    request.body,
    request,
  ),
);
