/**
 * The one table, defined once: CDK (`infra/constructs/table.ts`), the embedded runtime and every
 * test table are made from this object, so they cannot drift.
 *
 * Access patterns (every request path is a GetItem, a Query or a transaction; no Scan):
 *
 * | pattern                                   | key condition                                         | index |
 * |-------------------------------------------|-------------------------------------------------------|-------|
 * | cohort with its apprentices (aggregate)   | pk = COHORT#<id>, sk = COHORT                         | table |
 * | audit trail of a case, in order           | pk = COHORT#<id> / CLAIM#<id>, sk begins_with AUDIT#  | table |
 * | cohorts of an enterprise, newest first    | gsi1pk = ENT#<uscc>, gsi1sk begins_with COHORT#       | GSI1  |
 * | open tasks in a role's inbox              | gsi1pk = INBOX#<role>#<org>, gsi1sk = <dueAt>#<taskId>| GSI1  |
 * | organisation register                     | gsi2pk = ORGS, gsi2sk = <kind>#<orgId>                | GSI2  |
 * | occupation catalogue                      | gsi3pk = OCCUPATIONS, gsi3sk = <code>                 | GSI3  |
 * | cohorts naming a school                   | gsi2pk = SCHOOL#<uscc>, gsi2sk begins_with COHORT#    | GSI2  |
 * | cohorts in a bureau's district            | gsi3pk = DISTRICT#<code>, gsi3sk begins_with COHORT#  | GSI3  |
 * | task by id (decision)                     | pk = TASK#<id>, sk = TASK                             | table |
 * | overdue tasks of a district (escalations) | gsi1pk = INBOX#<role>#<district>, gsi1sk <= <now>     | GSI1  |
 * | claims on public notice in a district     | gsi1pk = NOTICES#<district>, gsi1sk = <dueAt>#<taskId>| GSI1  |
 * | public objections of an address this hour | pk = THROTTLE#<hmac>, sk = OBJECTIONS#<hour> (TTL)    | table |
 * | person in an active cohort (uniqueness)   | pk = PERSON#<hmac>, sk = ACTIVE                       | table |
 * | person already subsidised (occupation)    | pk = PERSON#<hmac>, sk begins_with SUBSIDISED#        | table |
 * | mentor load (name, level, cohorts taken)  | pk = MENTORS#ENT|SCHOOL#<uscc>, sk = MENTOR#<no>      | table |
 * | an organisation's mentors with their loads| pk = MENTORS#ENT|SCHOOL#<uscc>, sk begins_with MENTOR#| table |
 * | idempotency record                        | pk = IDEM#<sub>#<key>, sk = IDEM                      | table |
 * | organisation, policy, occupation, budget  | pk = ORG#<id> / POLICY / OCC#<code> / BUDGET#<d>#<y>  | table |
 * | a district's credit blacklist (失信名单)     | pk = CREDIT#<district>, sk begins_with LISTING#       | table |
 * | an enterprise's listing (submission check)| pk = CREDIT#<district>, sk = LISTING#<uscc>           | table |
 * | the blacklist's audit trail and its head  | pk = CREDIT#<district>, sk begins_with AUDIT# / = HEAD| table |
 * | an enterprise's contributions of a month  | pk = CONTRIB#<district>#<uscc>#<month>, sk = IMPORT#<id>#<n> | table |
 * | the district's employment register        | pk = EMPLOYMENT#<district>, sk = HEAD / ENT#<uscc> / IMPORT#<id> / AUDIT# | table |
 * | a cohort's employment checks              | pk = COHORT#<id>, sk begins_with EMPCHECK#            | table |
 * | a district's overrides of failed checks   | pk = OVERRIDE#<district>, sk begins_with ITEM#        | table |
 *
 * A person's PERSON# items are kept under each of their look-up hashes (one per crypto suite), so
 * the person is found whichever suite wrote or reads them.
 *
 * Migration only (`migrations/mentor-loads.ts`, run by `npm start` and `npm run migrate`, never on a
 * request path — the one Scan): load items of the shape before the mentor register,
 * `pk = MENTOR#<ENT|SCHOOL>#<uscc>#<no>, sk = LOAD` (`keys.legacyMentorLoad`), moved to the
 * mentor-load row above.
 *
 * GSI projections include only the attributes a list shows, so listing cohorts never reads
 * 200 apprentices' worth of item per row.
 *
 * The table has a stream of view type KEYS_ONLY: a record names the key of an item written, never
 * its attributes, so no personal data leaves the table in it. It feeds the read models: each audit
 * record inserted in a cohort's or a claim's partition becomes one `case.changed` event on the
 * domain bus (`publish-case-changes`, filtered by `CASE_CHANGE_RECORDS` of
 * `shared/adapters/case-changes.ts`), which the bus's rule delivers to the read-model projector.
 * On AWS a Lambda event source mapping reads the stream; in the embedded runtime a poller does
 * (`infra/local/table-stream.ts`), keeping its place in the table (`LOCAL#STREAM`/`CHECKPOINT`),
 * with the local bus's deliveries still owed (`LOCAL#EVENT-DELIVERIES`).
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** What a list of cohorts shows; every index that lists cohorts projects these. */
const COHORT_SUMMARY = [
  'cohortId',
  'status',
  'version',
  'enterpriseId',
  'schoolId',
  'districtCode',
  'occupationCode',
  'occupationName',
  'targetLevel',
  'startDate',
  'endDate',
  'apprenticeCount',
  'createdAt',
  'updatedAt',
] as const;

export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
  /** INCLUDE projection: at most 20 per index (CloudFormation's limit for global tables). */
  nonKeyAttributes: readonly string[];
}

export const INDEXES: readonly IndexDefinition[] = [
  {
    // Cohorts of an enterprise, and inboxes of tasks.
    indexName: 'GSI1',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    nonKeyAttributes: [...COHORT_SUMMARY, 'taskId', 'workflow', 'stage', 'caseId', 'dueAt', 'role'],
  },
  {
    // Cohorts naming a school, and the organisation register.
    indexName: 'GSI2',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    nonKeyAttributes: [
      ...COHORT_SUMMARY,
      'orgId',
      'kind',
      'name',
      'schoolType',
      'bankName',
      'bankAccountMasked',
    ],
  },
  {
    // Cohorts of a district, and the occupation catalogue.
    indexName: 'GSI3',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    nonKeyAttributes: [...COHORT_SUMMARY, 'code', 'name', 'edition', 'digital', 'shortage'],
  },
];

export const TTL_ATTRIBUTE = 'expiresAt';

/** Keys only: the stream says which item changed, not what it holds (no personal data in events). */
export const STREAM_VIEW_TYPE = 'KEYS_ONLY' as const;

/** The low-level CreateTable input for DynamoDB Local and tests (on AWS, CDK's TableV2 says the same). */
export function createTableInput(tableName: string) {
  const attributeNames = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of INDEXES) {
    attributeNames.add(index.partitionKey);
    attributeNames.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributeNames].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: INDEXES.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
  };
}
