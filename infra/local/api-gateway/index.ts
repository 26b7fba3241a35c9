/**
 * The embedded runtime's stand-in for API Gateway HTTP API with a JWT authorizer: a plain
 * `node:http` server that routes requests as API Gateway does, verifies the bearer token as
 * strictly as the JWT authorizer, turns the request into a payload-format-2.0 event and calls the
 * same Lambda handlers that run on AWS, then maps their result back the way API Gateway does.
 *
 * Where API Gateway's behaviour is not documented, the choice made here is written next to the code.
 *
 * The parts: `server.ts` (the server and the event it builds), `routes.ts` (API Gateway's route
 * matching), `jwt-authorizer.ts` (the token checks), `request.ts` (body, headers and query as API
 * Gateway reads them), `lambda.ts` (the context, the integration timeout and the result mapping),
 * `api.ts` (the event types, from `@types/aws-lambda`, and the options).
 */
export type {
  ApiGatewayOptions,
  ExtraRoute,
  ExtraRouteRequest,
  ExtraRouteResponse,
  HttpApiEvent,
  HttpApiJwtAuthorizer,
  HttpApiRequestContext,
  HttpApiStructuredResult,
  LambdaContext,
  LambdaRoute,
  RunningApiGateway,
} from './api.ts';
export {
  authorizeJwt,
  flattenJwtClaims,
  type JwtAuthorization,
  type JwtAuthorizerConfig,
} from './jwt-authorizer.ts';
export { DEFAULT_MAX_BODY_BYTES, startApiGateway } from './server.ts';
