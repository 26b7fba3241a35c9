import { KmsKeySource } from '../crypto/kms-key-source.ts';
import { FieldEncryption, LocalKeyFile } from '../crypto/personal-data.ts';
import { baseDeps } from './base.ts';

/** KMS on AWS (`PII_KEY_ID`), the local key file in the embedded runtime (`PII_KEY_FILE`). */
let protector: FieldEncryption | undefined;

export function personalData(): FieldEncryption {
  if (protector) return protector;
  const keyId = process.env.PII_KEY_ID;
  const keyFile = process.env.PII_KEY_FILE;
  if (keyId) protector = new FieldEncryption(new KmsKeySource(keyId, baseDeps().table));
  else if (keyFile) protector = new FieldEncryption(new LocalKeyFile(keyFile));
  else throw new Error('Set PII_KEY_ID (KMS) or PII_KEY_FILE (embedded runtime)');
  return protector;
}
