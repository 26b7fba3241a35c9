/**
 * People, not ids. The API names who did something by user id (`approvals[].by`, `reviewedBy`,
 * `schoolVerification.by`: Cognito's `sub`) and the audit trail by `{ sub, username, role, orgId }`.
 * The console learns each `sub` from the histories it reads, and a person's name from the sign-in
 * register where there is one (the embedded runtime's seeded users: `console-config.json`); on AWS,
 * where the console has no names of other people, the login name stands in (see web/README).
 * Shown as 赵审核（北京市海淀区人力资源和社会保障局）.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleConfig } from './config.ts';
import { organisationName, useApp } from './context.ts';
import { useI18n } from './i18n.ts';

export interface Actor {
  sub?: string;
  username: string;
  role: string;
  orgId: string;
}

const actors = new Map<string, Actor>();
const listeners = new Set<() => void>();
let names = new Map<string, string>();

/** The names the sign-in register knows (username → display name). */
export function learnRegister(config: ConsoleConfig, self?: { username: string; displayName: string }): void {
  names = new Map((config.people ?? []).map((user) => [user.username, user.displayName]));
  if (self) names.set(self.username, self.displayName);
}

/** Who each `sub` of these audit records is (from their actors). */
export function learnActors(records: readonly { actor: object }[]): void {
  let added = false;
  for (const { actor } of records) {
    const known = actor as Partial<Actor>;
    if (typeof known.sub === 'string' && typeof known.username === 'string' && !actors.has(known.sub)) {
      actors.set(known.sub, known as Actor);
      added = true;
    }
  }
  if (added) for (const listener of [...listeners]) listener();
}

/** A person's name: the register's, else the login name. */
export function nameOf(actor: Pick<Actor, 'username'>): string {
  return names.get(actor.username) ?? actor.username;
}

/** The person behind a user id, once a history has named them. */
export function actorOf(sub: string): Actor | undefined {
  return actors.get(sub);
}

/**
 * Who a user id is, with their organisation ("赵审核（北京市海淀区人力资源和社会保障局）"); re-renders when
 * a history names someone new. An id no history has named yet shows as "—", never as the id.
 */
export function usePeople(): (sub: string | undefined) => string {
  const { t } = useI18n();
  const { organisations } = useApp();
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return (sub) => {
    const actor = sub ? actors.get(sub) : undefined;
    return actor
      ? t('people.withOrg', { name: nameOf(actor), org: organisationName(organisations, actor.orgId) })
      : '—';
  };
}
