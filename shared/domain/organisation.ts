/**
 * An organisation of the register kept by `bureau.admin` (domain.md, "Parties"); the municipal
 * bureau (`city`, e.g. 110000) is registered beside its districts, by the deployment's seed.
 */
export interface Organisation {
  orgId: string;
  kind: 'enterprise' | 'school' | 'bureau' | 'city';
  name: string;
  districtCode: string;
  schoolType?: string;
  bankName?: string;
  /** Masked; the full account is stored encrypted and used only for payment. */
  bankAccountMasked?: string;
  /** Bureaus: the office's public phone, shown on the public notice page. */
  contactPhone?: string;
}
