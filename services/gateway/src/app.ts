/**
 * Builds the HTTP gateway: the only entry of the system. Routes under /api/v1 are validated with
 * the shared zod schemas, which also generate the OpenAPI description at /docs.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ServiceBroker } from 'moleculer';
import { DeferredChildLogger, OwnedCache, exporterOf, type GatewayConfig, type Logger } from '@um/platform';
import { CACHES, type OwnIdentity } from '@um/contracts';
import { registerOpenApi } from './openapi.js';
import { registerAuth } from './plugins/auth.js';
import { registerCors } from './plugins/cors.js';
import type { PrincipalCache } from './principal-cache.js';
import { registerCertificates } from './plugins/certificates.js';
import { registerConsole } from './plugins/console.js';
import { MAX_PARAM_LENGTH, clientErrorHandler, frameworkErrorHandler, registerProblemHandlers } from './plugins/problems.js';
import { registerTracing, RequestLogController, traceOf } from './request-log.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { enterpriseRoutes } from './routes/enterprises.js';
import { webhookRoutes } from './routes/webhooks.js';
import { authorizationRoutes } from './routes/authorizations.js';
import { catalogueRoutes } from './routes/catalogue.js';
import { healthRoutes } from './routes/health.js';
import { meRoutes } from './routes/me.js';
import { cacheEnterpriseNames } from './routes/enterprise-names.js';
import { qualityRoutes } from './routes/qualities.js';
import { routingRoutes } from './routes/routing.js';
import { registerScimErrors, scimRoutes, SCIM_PREFIX } from './routes/scim.js';
import { scimTokenRoutes } from './routes/scim-tokens.js';
import { userRoutes } from './routes/users.js';
import { importRoutes } from './routes/imports.js';

export interface AppDeps {
  broker: ServiceBroker;
  /** identity's answers for bearer tokens, shared with the broker's event handler that drops them. */
  principals: PrincipalCache;
  /** identity's part of GET /me, shared with the broker's event handler that drops it (routes/me.ts); none: asked each time. */
  ownIdentities?: OwnedCache<OwnIdentity>;
  config: GatewayConfig;
  logger: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export async function buildApp({ broker, principals, ownIdentities, config, logger }: AppDeps): Promise<FastifyInstance> {
  const trustedProxies = config.UM_TRUSTED_PROXIES.split(',').map((s) => s.trim()).filter(Boolean);
  // helmet's security headers and the request id on every answer, error answers included. helmet's
  // headers do not depend on the request: they are computed once (@fastify/helmet ran helmet's
  // middlewares for every request, rebuilding the values each time) and set with the request id
  // in one synchronous hook.
  // The Swagger UI needs inline scripts and styles; the API itself serves only JSON.
  const directives = { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] };
  const securityHeaders = Object.fromEntries(staticHeadersOf(helmet({ contentSecurityPolicy: { directives } })));
  // /docs is read over plain HTTP too (a test host, a cluster-internal name): no upgrade of its scripts to HTTPS.
  const docsCsp = new Map(staticHeadersOf(helmet({ contentSecurityPolicy: { directives: { ...directives, upgradeInsecureRequests: null } } }))).get('content-security-policy')!;
  const decorate = (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(securityHeaders);
    reply.header('x-request-id', request.id);
  };
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.UM_BODY_LIMIT_BYTES,
    trustProxy: trustedProxies.length > 0 ? trustedProxies : false,
    // A caller's request id is kept when it is sane, so one id follows the request everywhere.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // One line per request, with its request and trace ids (request-log.ts).
    logController: new RequestLogController(),
    // A request's child logger is made only if the request logs something at an enabled level.
    childLoggerFactory: (logger, bindings, options, raw) => {
      const withTrace = { ...bindings, traceId: traceOf(raw).traceId };
      return options.level || options.serializers ? logger.child(withTrace, options) : (new DeferredChildLogger(logger as Logger, withTrace) as unknown as FastifyBaseLogger);
    },
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler(decorate),
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', (request, reply, done) => {
    decorate(request, reply);
    done();
  });
  // JSON only (and the certificate media types, plugins/certificates.ts): any other body is 415.
  app.removeContentTypeParser('text/plain');
  // Before any route, so that every route is known to the 405 answer.
  registerProblemHandlers(app);
  registerTracing(app, exporterOf('gateway', config, logger));
  // Before authentication: a preflight carries no token, and a refusal must be readable cross-origin.
  registerCors(app, config.UM_CORS_ORIGINS);
  await registerOpenApi(app, docsCsp);

  registerAuth(app, principals);
  cacheEnterpriseNames(broker, config.UM_READ_CACHE_MS);
  registerCertificates(app, config);
  healthRoutes(app, broker);
  await app.register(
    async (api) => {
      authRoutes(api, broker);
      meRoutes(api, broker, ownIdentities ?? new OwnedCache<OwnIdentity>(CACHES.identityPersons, 0));
      adminRoutes(api, broker);
      enterpriseRoutes(api, broker);
      webhookRoutes(api, broker);
      qualityRoutes(api, broker);
      scimTokenRoutes(api, broker);
      userRoutes(api, broker);
      importRoutes(api, broker);
      routingRoutes(api, broker);
      authorizationRoutes(api, broker);
      catalogueRoutes(api);
    },
    { prefix: '/api/v1' },
  );
  // SCIM 2.0 for HR systems: its own authentication (per-quality tokens) and error shape.
  registerScimErrors(app);
  await app.register(async (scim) => scimRoutes(scim, broker), { prefix: SCIM_PREFIX });
  await registerConsole(app);
  return app;
}

/**
 * The headers a helmet middleware sets, read once by running it against a recording response.
 * helmet's headers depend only on its options (no nonces are configured), so they are the same for
 * every request.
 */
export function staticHeadersOf(middleware: ReturnType<typeof helmet>): Array<[string, string]> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  let failure: unknown;
  middleware({ headers: {}, method: 'GET', url: '/' } as never, recorder as never, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure as Error;
  if (headers.size === 0) throw new Error('helmet set no header: the recording response no longer matches what it calls');
  return [...headers];
}
