import { DynamoEmploymentChecks } from '../dynamodb/employment-checks.ts';
import { baseDeps } from './base.ts';

/** The reads of an employment check, made once per process (decide-task bundles only these). */
let checks: DynamoEmploymentChecks | undefined;

export function employmentChecks(): DynamoEmploymentChecks {
  checks ??= new DynamoEmploymentChecks(baseDeps().table);
  return checks;
}
