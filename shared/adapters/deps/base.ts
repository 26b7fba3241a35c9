import { clock } from '../clock.ts';
import { DynamoClaimStore } from '../dynamodb/claim-store.ts';
import { dynamoDb, tableName } from '../dynamodb/client.ts';
import { DynamoCohortStore } from '../dynamodb/cohort-store.ts';
import { DynamoDocumentStore } from '../dynamodb/document-store.ts';
import { DynamoReferenceData } from '../dynamodb/reference-data.ts';
import { Table } from '../dynamodb/table.ts';
import { newUlid } from '../ids.ts';

/**
 * Wiring of the ports every function needs, made once per process (per Lambda container). Each
 * extra port lives in its own module so a function bundles only the SDK clients it uses.
 */
let base: ReturnType<typeof make> | undefined;

function make() {
  const table = new Table(dynamoDb(), tableName());
  return {
    table,
    store: new DynamoCohortStore(table, clock),
    claims: new DynamoClaimStore(table, clock),
    documents: new DynamoDocumentStore(table, clock),
    reference: new DynamoReferenceData(table),
    clock,
    newId: () => newUlid(),
  };
}

export function baseDeps() {
  base ??= make();
  return base;
}
