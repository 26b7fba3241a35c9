/**
 * What the inbox and lists say about a claim without loading its screens: its kind, occupation and
 * level in words. (The claim screens themselves load in their own chunk.)
 */
import { useEffect, useState } from 'preact/hooks';
import type { claimReadView } from '../../../shared/domain/claim.ts';
import { useApp } from '../context.ts';
import type { MessageKey, useI18n } from '../i18n.ts';
import { type CohortView, cohortTitle, levelName } from './cohort-parts.tsx';

/** A claim as `GET /claims/{claimId}` answers it (with its payment deadline). */
export type ClaimView = ReturnType<typeof claimReadView>;
type T = ReturnType<typeof useI18n>['t'];

/** `预支 · 人工智能训练师 · 四级/中级工` */
export function claimTitle(
  t: T,
  claim: Pick<ClaimView, 'kind'>,
  cohort?: Pick<CohortView, 'occupationName' | 'targetLevel'>,
) {
  const kind = t(`claimKind.${claim.kind}` as MessageKey);
  return cohort ? `${kind} · ${cohortTitle(t, cohort)}` : kind;
}

/** Occupation names by code, from the catalogue (loaded once per sign-in). */
export function useOccupationNames(): ReadonlyMap<string, string> {
  const { occupations } = useApp();
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    occupations().then(
      (catalogue) =>
        live && setNames(new Map(catalogue.map((occupation) => [occupation.code, occupation.name]))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [occupations]);
  return names;
}

/** `预支 · 人工智能训练师 · 四级/中级工`, from the claim alone and the catalogue's names. */
export function claimHeadline(
  t: T,
  claim: Pick<ClaimView, 'kind' | 'occupationCode' | 'targetLevel'>,
  names: ReadonlyMap<string, string>,
): string {
  return `${t(`claimKind.${claim.kind}` as MessageKey)} · ${names.get(claim.occupationCode) ?? claim.occupationCode} · ${levelName(t, claim.targetLevel)}`;
}
