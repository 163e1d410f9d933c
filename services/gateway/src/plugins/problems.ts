/**
 * Every error becomes an RFC 9457 problem with a stable `code`, in this one place: bad input
 * names each offending field, service errors keep their code across the hop, 5xx hide details.
 * Title, detail and field messages come in the request's language (Accept-Language, else the
 * session person's, else English), translated by code from the message catalogues; English keeps
 * the precise wording of the service that refused, when it gave one.
 */
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ErrorCodes, FALLBACK_LANGUAGE, ZOD_ISSUE_CODES, isErrorCode, problemCodeOf, negotiateLanguage, problemText, type ErrorCode, type FieldError, type Problem } from '@um/contracts';
import type { Language } from '@um/domain';

/** The language of the answer: the first of Accept-Language we serve, else the session person's, else English. */
export function languageOf(request: FastifyRequest): Language {
  return negotiateLanguage(request.headers['accept-language']) ?? request.principal?.language ?? FALLBACK_LANGUAGE;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail?: string,
  extra: { errors?: FieldError[]; status?: number; instance?: false } = {},
): FastifyReply {
  const status = extra.status ?? ErrorCodes[code];
  const language = languageOf(request);
  const text = problemText(language, code);
  const inEnglish = language === 'en';
  const problem: Problem = {
    type: `urn:user-management:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: text.title,
    status,
    code,
    detail: inEnglish && detail ? detail : text.message,
    ...(extra.instance === false ? {} : instanceOf(request)),
    requestId: request.id,
    ...(extra.errors
      ? { errors: extra.errors.map((e) => ({ ...e, message: inEnglish && e.message ? e.message : problemText(language, e.code).message })) }
      : {}),
  };
  return reply.code(status).header('content-language', language).header('vary', 'Accept-Language').type('application/problem+json').send(problem);
}

/**
 * The problem's `instance`: the request's path, left out when it is longer than any path the API
 * serves (a fuzzer's megabyte of path is not echoed back).
 */
function instanceOf(request: FastifyRequest): { instance?: string } {
  const path = request.url.split('?')[0] ?? '';
  return path.length <= MAX_ECHOED_PATH ? { instance: path } : {};
}
const MAX_ECHOED_PATH = 256;

interface ZodValidationEntry {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: { params?: { code?: string }; keys?: string[] };
}


/** One entry per offending field; the code is the rule's own (NISS_INVALID, …) when it has one. */
export function fieldErrorsFromValidation(entries: ZodValidationEntry[]): FieldError[] {
  const out: FieldError[] = [];
  for (const entry of entries) {
    const path = entry.instancePath.split('/').filter(Boolean);
    if (entry.keyword === 'unrecognized_keys') {
      for (const key of entry.params?.keys ?? []) {
        out.push({ field: [...path, key].join('.'), code: 'UNKNOWN_FIELD', message: `unknown field "${key}"` });
      }
      continue;
    }
    const code = entry.params?.params?.code ?? ZOD_ISSUE_CODES[entry.keyword] ?? 'VALIDATION_FAILED';
    out.push({ field: path.join('.') || '(body)', code, message: entry.message ?? 'invalid' });
  }
  return out;
}

/** Fastify's own client errors (body parsing, limits), by their Fastify code. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_BODY',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_BODY',
};

/** Moleculer's own errors that mean "a service is not there or did not answer in time". */
const UNAVAILABLE = new Set([
  'SERVICE_NOT_FOUND',
  'SERVICE_NOT_AVAILABLE',
  'REQUEST_TIMEOUT',
  'REQUEST_REJECTED',
  'REQUEST_SKIPPED',
  'QUEUE_FULL',
  'BROKER_DISCONNECTED',
]);

/**
 * Errors the router meets before any route or hook runs (Fastify's `frameworkErrors`): a path
 * parameter longer than the router accepts, or a path that is not valid percent-encoding. The path
 * is not echoed. `decorate` sets what the onRequest hooks set on every other answer.
 */
export function frameworkErrorHandler(decorate: (request: FastifyRequest, reply: FastifyReply) => void) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    decorate(request, reply);
    const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
    void sendProblem(request, reply, tooLong ? 'URI_TOO_LONG' : 'INVALID_URL', tooLong ? `a path parameter is longer than ${MAX_PARAM_LENGTH} characters` : 'the path is not a valid URL path', { instance: false });
  };
}

/**
 * Requests the HTTP parser refuses before Fastify sees them (Fastify's `clientErrorHandler`):
 * headers (the request line included) over Node's limit, a request that did not arrive in time,
 * or bytes that are not HTTP. There is no request to read a language from: English. The
 * connection is closed after the problem, as Node does.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : 'MALFORMED_REQUEST';
  const status = ErrorCodes[code];
  const text = problemText(FALLBACK_LANGUAGE, code);
  const body = JSON.stringify({ type: `urn:user-management:problem:${code.toLowerCase().replaceAll('_', '-')}`, title: text.title, status, code, detail: text.message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${text.title}\r\nContent-Type: application/problem+json\r\nContent-Language: ${FALLBACK_LANGUAGE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Fastify's default, stated here because the problem above names it. */
export const MAX_PARAM_LENGTH = 100;

/** The methods served on each path pattern, to tell 405 (known path, other method) from 404. */
class KnownPaths {
  private readonly patterns = new Map<string, { regex: RegExp; methods: Set<string> }>();

  add(url: string, methods: string | string[]): void {
    // A catch-all (e.g. static files) would make every path "known": it is left out.
    if (url.includes('*')) return;
    let entry = this.patterns.get(url);
    if (!entry) {
      const source = url
        .split('/')
        .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      entry = { regex: new RegExp(`^${source}$`), methods: new Set() };
      this.patterns.set(url, entry);
    }
    for (const method of [methods].flat()) entry.methods.add(method.toUpperCase());
  }

  /** The methods allowed on `path`, empty when no route has this path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const { regex, methods: served } of this.patterns.values()) {
      if (regex.test(path)) for (const m of served) methods.add(m);
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

export function registerProblemHandlers(app: FastifyInstance): void {
  const known = new KnownPaths();
  app.addHook('onRoute', (route) => known.add(route.url, route.method));
  app.setNotFoundHandler((request, reply) => {
    const allowed = known.allowed(request.url.split('?')[0] ?? '');
    // A route with this very method and path shape was missed: only a parameter over the router's
    // length does that (a catch-all route, e.g. the console's, took it instead of frameworkErrors).
    if (allowed.includes(request.method)) {
      return sendProblem(request, reply, 'URI_TOO_LONG', `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`, { instance: false });
    }
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(request, reply, 'METHOD_NOT_ALLOWED', `this path answers ${allowed.join(', ')}`);
    }
    return sendProblem(request, reply, 'NOT_FOUND', 'no route has this method and path');
  });

  app.setErrorHandler((error: FastifyError & { type?: string; data?: { errors?: FieldError[]; retryAfterSeconds?: number } }, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = fieldErrorsFromValidation(error.validation as unknown as ZodValidationEntry[]);
      return sendProblem(request, reply, problemCodeOf(errors), `invalid ${error.validationContext ?? 'request'}`, { errors });
    }
    const fastifyCode = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (fastifyCode) return sendProblem(request, reply, fastifyCode, error.message);
    if (error instanceof SyntaxError || (error.statusCode === 400 && !error.type)) {
      return sendProblem(request, reply, 'MALFORMED_BODY', 'the body is not valid JSON');
    }
    if (error.statusCode === 429) return sendProblem(request, reply, 'RATE_LIMITED', 'too many requests');
    // Before the codes: Moleculer's own errors (a call that timed out, no instance) are a dependency
    // being unavailable, whatever their type is named (REQUEST_TIMEOUT is also the HTTP parser's 408).
    if (error.type && UNAVAILABLE.has(error.type)) {
      request.log.warn({ err: { type: error.type, message: error.message } }, 'dependency unavailable');
      return sendProblem(request, reply, 'SERVICE_UNAVAILABLE', 'a service is unavailable, try again shortly');
    }
    if (isErrorCode(error.type)) {
      if (error.data?.retryAfterSeconds) reply.header('retry-after', String(error.data.retryAfterSeconds));
      const status = ErrorCodes[error.type];
      if (status >= 500) request.log.error({ err: error }, 'service error');
      return sendProblem(request, reply, error.type, status >= 500 ? undefined : error.message, {
        ...(error.data?.errors ? { errors: error.data.errors } : {}),
      });
    }
    if (error.name === 'MongoServerSelectionError' || error.name === 'MongoNetworkError') {
      return sendProblem(request, reply, 'SERVICE_UNAVAILABLE', 'the store is unavailable, try again shortly');
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, 'INTERNAL', undefined);
  });
}
