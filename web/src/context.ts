/**
 * What every screen of a signed-in person shares: the API client, the session, the register of
 * organisations (names for ids), and reference data loaded once on first use.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Occupation } from '../../shared/domain/occupations.ts';
import type { Organisation } from '../../shared/domain/organisation.ts';
import type { Policy } from '../../shared/domain/policy.ts';
import type { Api } from './api.ts';
import type { ConsoleConfig } from './config.ts';
import type { Session } from './session.ts';

export type { Occupation, Organisation, Policy };

/** Routes of the claims API (issue 3) the console offers only once the server answers them. */
export interface Features {
  claims: boolean;
  payments: boolean;
  budget: boolean;
}

export interface AppServices {
  config: ConsoleConfig;
  session: Session;
  api: Api;
  organisations: Map<string, Organisation>;
  features: Features;
  occupations(): Promise<Occupation[]>;
  policy(): Promise<Policy>;
  /**
   * The system's clock: the embedded runtime's `GET /health` tells its time (tests and the demo
   * move it with `POST /dev/clock`); elsewhere the browser's. Read afresh each time, never cached.
   */
  systemNow(): Promise<Date>;
}

export const AppContext = createContext<AppServices | undefined>(undefined);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside a signed-in console');
  return services;
}

/** Memoises a loader; a failed load is forgotten so the next caller tries again. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export function organisationName(organisations: Map<string, Organisation>, orgId: string): string {
  return organisations.get(orgId)?.name ?? orgId;
}
