import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  INDEXES,
  STREAM_VIEW_TYPE,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../shared/adapters/dynamodb/table-definition.ts';

/** Alias of the key whose data keys encrypt ID numbers and phone numbers field by field. */
export const PII_KEY_ALIAS = 'alias/apprenticeflow-pii';

/**
 * The stateful core: the one DynamoDB table (made from the shared table definition, like every
 * local and test table), the key it is encrypted with, and the personal-information key.
 *
 * Everything here is retained when the stack is deleted: cohorts, audit trails (kept at least
 * three years) and the keys that can still decrypt them must outlive any deployment mistake.
 */
export class DataStore extends Construct {
  readonly table: dynamodb.TableV2;
  /** Encrypts the table at rest. */
  readonly tableKey: kms.Key;
  /** Envelope encryption of personal-information fields (GenerateDataKey / Decrypt). */
  readonly piiKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.tableKey = new kms.Key(this, 'TableKey', {
      description: 'ApprenticeFlow: encryption at rest of the DynamoDB table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.piiKey = new kms.Key(this, 'PiiKey', {
      description: 'ApprenticeFlow: data keys for ID numbers and phone numbers (field-level encryption)',
      alias: PII_KEY_ALIAS,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const attribute = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: attribute(TABLE_KEYS.partitionKey),
      sortKey: attribute(TABLE_KEYS.sortKey),
      globalSecondaryIndexes: INDEXES.map((index) => ({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.nonKeyAttributes],
      })),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // Keys only (no personal data in the records): feeds the read models through
      // publish-case-changes (infra/constructs/functions.ts).
      dynamoStream: dynamodb.StreamViewType[STREAM_VIEW_TYPE],
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.tableKey),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
