import { baseDeps } from '../../shared/adapters/deps/base.ts';
import { claimsInNotice } from '../../shared/adapters/dynamodb/public-notices.ts';
import { listPublicNotices } from '../../shared/domain/use-cases/public-notice.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { PublicNoticesQuery } from '../../shared/schemas/public-notice.ts';

/** `GET /public/notices?districtCode=`: anyone, no token; nothing personal about apprentices. */
export const handler = httpHandler({ public: true, query: PublicNoticesQuery }, (request) => {
  const deps = baseDeps();
  return listPublicNotices(
    { ...deps, inNotice: (districtCode, options) => claimsInNotice(deps.table, districtCode, options) },
    request.query,
  );
});
