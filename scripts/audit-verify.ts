/**
 * `npm run audit:verify -- <caseId>`: recomputes the audit hash chain of a cohort or a claim of a
 * running `npm start` (PORT, default 3000) and prints OK, or names the first broken record and
 * exits 1. It reads the case and its audit records from DynamoDB Local through the repository
 * adapters — the very records the API serves — wherever `GET /health` says DynamoDB is.
 * TABLE_NAME overrides the table (default `apprenticeflow`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localSettings } from '../infra/local/settings.ts';
import { clock } from '../shared/adapters/clock.ts';
import { ENVIRONMENT } from '../shared/adapters/config.ts';
import { DynamoClaimStore } from '../shared/adapters/dynamodb/claim-store.ts';
import { DynamoCohortStore } from '../shared/adapters/dynamodb/cohort-store.ts';
import { Table } from '../shared/adapters/dynamodb/table.ts';
import { type AuditVerification, verifyAuditTrail } from '../shared/domain/use-cases/audit-verification.ts';

const [caseId, ...rest] = process.argv.slice(2);
if (!caseId || rest.length > 0 || caseId.startsWith('-')) {
  process.stderr.write('usage: npm run audit:verify -- <cohortId or claimId>\n');
  process.exit(2);
}
const { port } = localSettings();
const base = `http://127.0.0.1:${port}`;
const health = await fetch(`${base}/health`).catch(() => undefined);
if (!health?.ok) {
  process.stderr.write(`No ApprenticeFlow at ${base}: start it with \`npm start\` first\n`);
  process.exit(1);
}
const { endpoints } = (await health.json()) as { endpoints: { dynamodb: string } };
const client = new DynamoDBClient({
  endpoint: endpoints.dynamodb,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const table = new Table(client, process.env[ENVIRONMENT.tableName] ?? 'apprenticeflow');
const cohorts = new DynamoCohortStore(table, clock);
const claims = new DynamoClaimStore(table, clock);

const result: AuditVerification | undefined =
  (await verifyAuditTrail(caseId, {
    head: async () => {
      const cohort = await cohorts.get(caseId);
      return cohort ? { seq: cohort.auditSeq, hash: cohort.auditHead } : undefined;
    },
    history: (options) => cohorts.history(caseId, options),
  })) ??
  (await verifyAuditTrail(caseId, {
    head: async () => {
      const claim = await claims.get(caseId);
      return claim ? { seq: claim.auditSeq, hash: claim.auditHead } : undefined;
    },
    history: (options) => claims.history(caseId, options),
  }));
client.destroy();

if (!result) {
  process.stderr.write(`No cohort or claim ${caseId} in table ${table.name}\n`);
  process.exit(1);
}
if (result.ok) {
  process.stdout.write(
    `OK ${caseId}: ${result.records} audit records, chain intact, head #${result.head.seq} ${result.head.hash}\n`,
  );
} else {
  const { seq, problem, action, at } = result.broken;
  process.stdout.write(
    `BROKEN ${caseId}: audit record #${seq} (${problem})${action ? `, ${action}` : ''}${at ? ` at ${at}` : ''}; ${result.records} records read\n`,
  );
  process.exit(1);
}
