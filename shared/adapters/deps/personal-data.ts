import * as settings from '../config.ts';
import { KmsKeySource } from '../crypto/kms-key-source.ts';
import { FieldEncryption, LocalKeyFile } from '../crypto/personal-data.ts';
import { baseDeps } from './base.ts';

/** KMS on AWS (`PII_KEY_ID`), the local key file in the embedded runtime (`PII_KEY_FILE`). */
let protector: FieldEncryption | undefined;

export function personalData(): FieldEncryption {
  if (protector) return protector;
  const key = settings.personalDataKey();
  protector = new FieldEncryption(
    'kmsKeyId' in key ? new KmsKeySource(key.kmsKeyId, baseDeps().table) : new LocalKeyFile(key.keyFile),
  );
  return protector;
}
