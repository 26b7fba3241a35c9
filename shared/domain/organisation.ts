/** An organisation of the register kept by `bureau.admin` (domain.md, "Parties"). */
export interface Organisation {
  orgId: string;
  kind: 'enterprise' | 'school' | 'bureau';
  name: string;
  districtCode: string;
  schoolType?: string;
  bankName?: string;
  /** Masked; the full account is stored encrypted and used only for payment. */
  bankAccountMasked?: string;
}
