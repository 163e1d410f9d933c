/** Sessions: password or certificate login, role choice, logout (docs/product.md §5). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChooseRoleBody, ChooseRoleResult, LoginBody, LoginResult } from '@um/contracts';
import { call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';
import { sendProblem } from '../plugins/problems.js';
import { bearer, problems } from './common.js';
import { withEnterpriseNames } from './enterprise-names.js';

export function authRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/auth/login',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['sessions'],
        summary: 'Log in with username and password; lists every role of the person',
        description:
          'A wrong password and an unknown username answer the same 401 INVALID_CREDENTIALS. Failures are counted per ' +
          'username typed, known or not: from UM_LOGIN_USERNAME_MAX_FAILURES on, 423 ACCOUNT_LOCKED with Retry-After, ' +
          'alike for every username. A source address with UM_LOGIN_ADDRESS_MAX_FAILURES failures within ' +
          'UM_LOGIN_ADDRESS_WINDOW_MINUTES answers 429 TOO_MANY_ATTEMPTS with Retry-After, whatever the username ' +
          '(addresses of UM_LOGIN_ADDRESS_ALLOWLIST excepted). A person who bound a personal certificate ' +
          '(PUT /me/certificate) logs in only on a connection that presents it (the mutual-TLS listener, or a trusted ' +
          "terminator's UM_CLIENT_CERT_HEADER) or presents their eID; otherwise the same 401. `authMethods` says " +
          'what the session was opened with.',
        body: LoginBody,
        response: { 200: LoginResult, ...problems(400, 401, 423, 429, 503) },
      },
    },
    async (request) => {
      // The certificate the connection presents, if any: the second factor of a personal certificate.
      const presented = request.clientCertificate();
      const answer = await call(broker, 'identity.login', { ...request.body, sourceIp: request.ip, ...(presented ?? {}) }, callOptions(request));
      return { ...answer, roles: await withEnterpriseNames(broker, request, answer.roles) };
    },
  );

  r.post(
    '/auth/login/certificate',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['sessions'],
        summary: 'Log in with an eID client certificate; same answer as password login',
        description:
          'The certificate comes from the mutual-TLS handshake of the HTTPS listener (UM_TLS_PORT), or from the ' +
          'UM_CLIENT_CERT_HEADER header (URL-encoded PEM) when the direct peer is in UM_CERT_HEADER_TRUSTED_PROXIES. ' +
          'Accepted: an eID certificate issued by a CA of UM_EID_CA_FILE whose subject serialNumber is the ' +
          "person's NISS. A personal certificate bound with PUT /me/certificate is a second factor only: it is " +
          'given with the password to POST /auth/login, and here answers 401 CERTIFICATE_REJECTED like any ' +
          'certificate that is not an accepted eID. None: 401 CERTIFICATE_REQUIRED; ' +
          'not accepted: 401 CERTIFICATE_REJECTED; unreadable: 400 CERTIFICATE_MALFORMED; too many failures from the ' +
          'source address: 429 TOO_MANY_ATTEMPTS with Retry-After.',
        response: { 200: LoginResult, ...problems(400, 401, 423, 429, 503) },
      },
    },
    async (request, reply) => {
      const presented = request.clientCertificate();
      if (!presented) return sendProblem(request, reply, 'CERTIFICATE_REQUIRED', 'no client certificate was presented');
      const answer = await call(broker, 'identity.loginWithCertificate', { ...presented, sourceIp: request.ip }, callOptions(request));
      return { ...answer, roles: await withEnterpriseNames(broker, request, answer.roles) };
    },
  );

  r.post(
    '/auth/session/role',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['sessions'],
        summary: 'Choose the role of the session; returns a role-scoped token and its capabilities',
        security: bearer,
        body: ChooseRoleBody,
        response: { 200: ChooseRoleResult, ...problems(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const answer = await call(broker, 'identity.chooseRole', request.body, callOptions(request));
      const [role] = await withEnterpriseNames(broker, request, [answer.role]);
      return { ...answer, role: role ?? answer.role };
    },
  );

  r.post(
    '/auth/logout',
    {
      config: { auth: 'session' },
      schema: { tags: ['sessions'], summary: 'End the session: its token no longer works', security: bearer, response: { 204: z.null(), ...problems(401, 503) } },
    },
    async (request, reply) => {
      await call(broker, 'identity.logout', {}, callOptions(request));
      return reply.code(204).send(null);
    },
  );
}
