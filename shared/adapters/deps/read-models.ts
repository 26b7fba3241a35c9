import { DynamoReadModelStore } from '../dynamodb/read-models.ts';
import { baseDeps } from './base.ts';

let deps: ReturnType<typeof make> | undefined;

function make() {
  const base = baseDeps();
  return { readModels: new DynamoReadModelStore(base.table), reference: base.reference, clock: base.clock };
}

/** The read models of "what the bureau watches" with the reference data they name (issue 15). */
export function readModelDeps() {
  deps ??= make();
  return deps;
}
