import { createHash } from 'node:crypto';
import { ContributionRow } from '../../schemas/employment.ts';
import { zodIssuesToFieldErrors } from '../../schemas/errors.ts';
import type { EmploymentStore, FileKeeper, StoredContribution } from '../employment-ports.ts';
import { says } from '../error-codes.ts';
import { type FieldError, fieldError, ValidationFailed } from '../errors.ts';
import { idempotent } from '../idempotency.ts';
import type { Clock, CohortStore, PersonalDataProtector } from '../ports.ts';
import { actorOf, type Principal } from '../principal.ts';
import type { Reply } from '../reply.ts';
import type { RequestMeta } from './cohort-drafts.ts';

export interface ContributionImportDeps {
  employment: Pick<EmploymentStore, 'importRows'>;
  files: FileKeeper;
  pii: Pick<PersonalDataProtector, 'lookupHashes'>;
  store: Pick<CohortStore, 'idempotency'>;
  clock: Clock;
  newId(): string;
}

/** A file with more bad rows than this answers these first (the rest are not worth megabytes). */
const MAX_ROW_ERRORS = 200;

/**
 * The district's monthly contribution file (社保缴费记录), imported by its `bureau.admin`. Main
 * course: every row validated first (ID check character, USCC, division code of this district,
 * month; no row twice), and nothing stored if any row fails; then the file kept as it came with
 * its SHA-256, the rows stored under each of the person's look-up hashes (never the ID number),
 * and each enterprise's months switched to this import with the import's audit record.
 */
export async function importContributions(
  deps: ContributionImportDeps,
  principal: Principal,
  input: { rows: unknown[]; fileName?: string | undefined; raw: Buffer; contentType: string },
  meta: RequestMeta,
): Promise<Reply> {
  return idempotent(
    deps.store,
    { sub: principal.sub, key: meta.idempotencyKey, fingerprint: meta.fingerprint },
    async (record) => {
      const districtCode = principal.orgId;
      const rows = validRows(input.rows, districtCode);
      const importId = deps.newId();
      // One HMAC per distinct person and suite; the ID number goes no further than this map.
      const hashes = new Map<string, string[]>();
      for (const row of rows) {
        if (!hashes.has(row.idNumber)) hashes.set(row.idNumber, await deps.pii.lookupHashes(row.idNumber));
      }
      const stored: StoredContribution[] = rows.map((row) => ({
        idHashes: hashes.get(row.idNumber)!,
        enterpriseId: row.enterpriseId,
        districtCode: row.districtCode,
        month: row.month,
        insured: row.insured,
      }));
      const sha256 = createHash('sha256').update(input.raw).digest('hex');
      const csv = input.contentType === 'text/csv';
      const key = `imports/employment/${districtCode}/${importId}.${csv ? 'csv' : 'json'}`;
      await deps.files.keep({
        key,
        body: input.raw,
        contentType: csv ? 'text/csv' : 'application/json',
        sha256,
      });
      const enterprises = new Set(rows.map((row) => row.enterpriseId)).size;
      const months = [...new Set(rows.map((row) => row.month))].sort();
      const at = deps.clock.now().toISOString();
      const reply = {
        status: 201,
        body: { importId, rows: rows.length, enterprises, months, sha256 },
      };
      await deps.employment.importRows({
        record: {
          importId,
          districtCode,
          rows: rows.length,
          enterprises,
          months,
          file: {
            key,
            sha256,
            sizeBytes: input.raw.byteLength,
            contentType: csv ? 'text/csv' : 'application/json',
            ...(input.fileName ? { fileName: input.fileName } : {}),
          },
          importedBy: { sub: principal.sub, username: principal.username },
          importedAt: at,
        },
        rows: stored,
        audit: {
          action: 'employment.imported',
          actor: actorOf(principal),
          details: { importId, rows: rows.length, enterprises, months, sha256 },
        },
        idempotency: record(reply),
      });
      return reply;
    },
  );
}

/** Every row checked; any error answers 400 naming `rows.N.field`, and nothing is stored. */
function validRows(input: unknown[], districtCode: string): ContributionRow[] {
  const errors: FieldError[] = [];
  const rows: ContributionRow[] = [];
  const seen = new Map<string, number>();
  const add = (error: FieldError) => {
    if (errors.length < MAX_ROW_ERRORS) errors.push(error);
  };
  for (const [index, value] of input.entries()) {
    const missing = (value as { __missingColumns?: string } | null)?.__missingColumns;
    if (missing) {
      add(fieldError('rows', says('employment.columns_missing', { columns: missing })));
      continue;
    }
    const parsed = ContributionRow.safeParse(value);
    if (!parsed.success) {
      for (const error of zodIssuesToFieldErrors(parsed.error)) {
        add({ ...error, path: error.path ? `rows.${index}.${error.path}` : `rows.${index}` });
      }
      continue;
    }
    const row = parsed.data;
    if (row.districtCode !== districtCode) {
      add(fieldError(`rows.${index}.districtCode`, says('employment.other_district', { districtCode })));
    }
    const key = `${row.idNumber}|${row.enterpriseId}|${row.month}`;
    const first = seen.get(key);
    if (first !== undefined)
      add(fieldError(`rows.${index}.idNumber`, says('employment.row_repeated', { row: first })));
    else seen.set(key, index);
    rows.push(row);
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
  return rows;
}
