/** A listing on the credit blacklist (失信名单) as `GET /credit-blacklist` gives it. */
export interface CreditListingView {
  enterpriseId: string;
  districtCode: string;
  from: string;
  to: string;
  reason: string;
  inForce: boolean;
  listedBy?: { sub: string; username: string };
  listedAt?: string;
  updatedAt?: string;
  version: number;
}
