/** Self-service: /me, password, personal certificate (any session, no role needed). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CertificateView, ChangePasswordBody, MeView, UpdateMeBody, type OwnIdentity } from '@um/contracts';
import { OwnedCache, call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';
import { CERTIFICATE_MEDIA_TYPES, MAX_CERTIFICATE_BYTES } from '../plugins/certificates.js';
import { sendProblem } from '../plugins/problems.js';
import { bearer, problems } from './common.js';
import { withEnterpriseNames } from './enterprise-names.js';

/**
 * GET/PATCH /me composed here, one call per owning service: identity's person and roles, then
 * what user-management says each role reaches (applications, company e-mail; a blocked role nothing).
 */
async function composeMe(broker: ServiceBroker, request: FastifyRequest, own: OwnIdentity): Promise<MeView> {
  const { roles, changesAt: _changesAt, ...profile } = own;
  const reach = roles.length === 0 ? [] : await call(broker, 'user-management.applicationsOf', { personId: own.personId, roles }, callOptions(request));
  const byRole = new Map(reach.map((r) => [r.roleId, r]));
  return {
    ...profile,
    memberships: roles.map(({ status, ...role }) => {
      const granted = byRole.get(role.id);
      return { role, status, applications: granted?.applications ?? [], ...(granted?.companyEmail ? { companyEmail: granted.companyEmail } : {}) };
    }),
  };
}

/**
 * identity's part of GET /me for this request's session: what identity answered for the person,
 * kept in `ownIdentities` (an OwnedCache named as identity's own, `identity.persons`) until identity
 * drops it (every write of the person or their roles broadcasts `cache.dropped` before it answers, so
 * the gateway that carried the write has dropped it before it sends the answer on), until the next
 * validity bound of a role (`changesAt`), or for UM_READ_CACHE_MS at most. How the session was
 * opened is the session's own, not the person's: taken from the principal.
 */
async function ownIdentityOf(broker: ServiceBroker, request: FastifyRequest, ownIdentities: OwnedCache<OwnIdentity>): Promise<OwnIdentity> {
  const principal = request.principal!;
  const own = await ownIdentities.read(
    principal.personId,
    () => call(broker, 'identity.getMe', {}, callOptions(request)),
    (value) => (value.changesAt ? Date.parse(value.changesAt) : undefined),
  );
  if (!own) throw new Error('identity answered no person for GET /me');
  return { ...own, authMethods: principal.authMethods ?? [] };
}

export function meRoutes(app: FastifyInstance, broker: ServiceBroker, ownIdentities: OwnedCache<OwnIdentity>): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const named = async (request: FastifyRequest, me: MeView): Promise<MeView> => {
    const roles = await withEnterpriseNames(broker, request, me.memberships.map((m) => m.role));
    return { ...me, memberships: me.memberships.map((m, i) => ({ ...m, role: roles[i] ?? m.role })) };
  };

  r.get(
    '/me',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['self-service'],
        summary: 'Own data: identity, language, e-mails, per membership the applications reachable, and how this session was opened (authMethods)',
        security: bearer,
        response: { 200: MeView, ...problems(401, 503) },
      },
    },
    async (request) => named(request, await composeMe(broker, request, await ownIdentityOf(broker, request, ownIdentities))),
  );

  r.patch(
    '/me',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['self-service'],
        summary: 'Change own language and e-mails (at most 5)',
        security: bearer,
        body: UpdateMeBody,
        response: { 200: MeView, ...problems(400, 401, 503) },
      },
    },
    async (request) => named(request, await composeMe(broker, request, await call(broker, 'identity.updateMe', request.body, callOptions(request)))),
  );

  r.put(
    '/me/password',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['self-service'],
        summary: 'Change own password',
        description:
          'Needs the current password (wrong: 400 CURRENT_PASSWORD_WRONG, counted like a failed login: 423 after 5); ' +
          'the new one follows the policy (400 PASSWORD_POLICY) and must differ (400 PASSWORD_REUSED). ' +
          "Every session of the person ends, the caller's included: log in again with the new password.",
        security: bearer,
        body: ChangePasswordBody,
        response: { 204: z.null(), ...problems(400, 401, 409, 423, 503) },
      },
    },
    async (request, reply) => {
      await call(broker, 'identity.changePassword', request.body, callOptions(request));
      return reply.code(204).send(null);
    },
  );

  r.put(
    '/me/certificate',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['self-service'],
        summary: 'Bind a personal certificate (PEM or DER), a second factor of password login; replaces the previous one',
        description:
          'Body: the certificate itself, `application/x-pem-file` (PEM) or `application/pkix-cert` (DER). ' +
          'Once bound, POST /auth/login succeeds only on a connection presenting this certificate (or the eID). ' +
          'Refused: CERTIFICATE_MALFORMED, CERTIFICATE_EXPIRED, CERTIFICATE_NOT_YET_VALID, CERTIFICATE_NOT_CLIENT_AUTH (400); ' +
          'CERTIFICATE_TAKEN (409) when bound to another person.',
        security: bearer,
        consumes: CERTIFICATE_MEDIA_TYPES,
        body: z.any().meta({ description: 'the certificate: PEM text or DER bytes' }),
        response: { 200: CertificateView, ...problems(400, 401, 409, 503) },
      },
    },
    async (request, reply) => {
      const body: unknown = request.body;
      if (!Buffer.isBuffer(body)) {
        return sendProblem(request, reply, 'UNSUPPORTED_MEDIA_TYPE', `send the certificate as ${CERTIFICATE_MEDIA_TYPES.join(' or ')}`);
      }
      if (body.length === 0 || body.length > MAX_CERTIFICATE_BYTES) {
        return sendProblem(request, reply, 'CERTIFICATE_MALFORMED', `send one certificate of 1 to ${MAX_CERTIFICATE_BYTES} bytes`);
      }
      return call(broker, 'identity.setCertificate', { certificate: body.toString('base64') }, callOptions(request));
    },
  );

  r.get(
    '/me/certificate',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['self-service'],
        summary: 'The personal certificate bound to the account (404 when none)',
        security: bearer,
        response: { 200: CertificateView, ...problems(401, 404, 503) },
      },
    },
    async (request) => call(broker, 'identity.getCertificate', {}, callOptions(request)),
  );

  r.delete(
    '/me/certificate',
    {
      config: { auth: 'session' },
      schema: {
        tags: ['self-service'],
        summary: 'Unbind the personal certificate: the password alone logs in again',
        security: bearer,
        response: { 204: z.null(), ...problems(401, 503) },
      },
    },
    async (request, reply) => {
      await call(broker, 'identity.deleteCertificate', {}, callOptions(request));
      return reply.code(204).send(null);
    },
  );
}
