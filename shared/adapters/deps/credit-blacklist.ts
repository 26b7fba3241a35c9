import { DynamoCreditBlacklistStore } from '../dynamodb/credit-blacklist-store.ts';
import { baseDeps } from './base.ts';

/** The credit blacklist's store beside the base ports, made once per process. */
let blacklist: DynamoCreditBlacklistStore | undefined;

export function creditBlacklistDeps() {
  const base = baseDeps();
  blacklist ??= new DynamoCreditBlacklistStore(base.table, base.clock);
  return { ...base, blacklist };
}
