/** The claim screens, loaded together when one of them is first opened. */
export { ClaimCase } from './claim-case.tsx';
export { ClaimEdit, ClaimNew } from './claim-form.tsx';
export { ClaimList } from './claim-list.tsx';
export { ClaimReview } from './claim-review.tsx';
export { ClaimVerify } from './claim-verify.tsx';
export { Outcomes } from './outcomes.tsx';
export { Payments } from './payments.tsx';
