import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Objects of the application live under this prefix (`cohorts/<cohortId>/<documentId>`). */
export const DOCUMENT_PREFIX = 'cohorts/';
/** Files the application received and keeps as they came (contribution files): `imports/<kind>/<district>/…`. */
export const IMPORT_PREFIX = 'imports/';

export interface EvidenceDocumentsProps {
  /** Origins of the web console, which uploads straight to presigned URLs. */
  allowedOrigins: string[];
}

/**
 * Where evidence documents are kept (domain.md: "stored as objects … referenced by key and
 * checksum"): a private, versioned bucket encrypted with its own customer-managed key, reachable
 * only over TLS, with server access logs. Nothing is deleted by the application; the bucket and
 * its key outlive the stack, like the table (audit evidence is kept at least three years).
 *
 * S3 sends "Object Created" to EventBridge; the `confirm-document` function (the function map's
 * `onObjectCreated`) marks the document STORED.
 */
export class EvidenceDocuments extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: EvidenceDocumentsProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'ApprenticeFlow: encryption at rest of evidence documents',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(3 * 366) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'documents/',
      cors: [
        {
          allowedOrigins: props.allowedOrigins,
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
          exposedHeaders: ['ETag', 'x-amz-checksum-sha256'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // S3 → EventBridge, set on the bucket itself: `eventBridgeEnabled` would add CDK's notifications
    // custom resource (one more Lambda function) to do what CloudFormation does natively.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }
}
