import { CURRENT_COMMITMENT } from '../../shared/domain/commitment.ts';
import { httpHandler } from '../../shared/http/handler.ts';

/** The commitment (承诺书) a signatory accepts when submitting a claim: its version and text. */
export const handler = httpHandler({}, async () => CURRENT_COMMITMENT);
