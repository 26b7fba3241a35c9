import { DynamoEmploymentStore } from '../dynamodb/employment-store.ts';
import { baseDeps } from './base.ts';
import { objectStorage } from './documents.ts';
import { personalData } from './personal-data.ts';

/** The employment register's whole store (imports, check runs, overrides), made once per process. */
let store: DynamoEmploymentStore | undefined;

export function employmentDeps() {
  const base = baseDeps();
  store ??= new DynamoEmploymentStore(base.table, base.clock);
  return { ...base, employment: store };
}

/** An import also keeps the file (documents bucket) and hashes the ID numbers (the PII key). */
export function contributionImportDeps() {
  return { ...employmentDeps(), files: objectStorage(), pii: personalData() };
}
