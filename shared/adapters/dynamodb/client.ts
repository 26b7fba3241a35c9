import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as settings from '../config.ts';
import { countRequestsWhenAsked } from './request-counter.ts';

/**
 * One client per process. The endpoint comes from the environment the SDK already reads
 * (`AWS_ENDPOINT_URL_DYNAMODB` in the embedded runtime, nothing on AWS): the code is the same.
 */
let client: DynamoDBClient | undefined;

export function dynamoDb(): DynamoDBClient {
  client ??= countRequestsWhenAsked(new DynamoDBClient({ maxAttempts: 4 }));
  return client;
}

export function tableName(): string {
  return settings.tableName();
}
