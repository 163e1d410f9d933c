/**
 * Login (password or certificate), role choice, logout and token authentication. A token is the
 * session's id and 256 random bits, the latter stored only as their SHA-256; a session ends on
 * logout, idle or absolute expiry, a password change, or a block.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { ActionSchema, Context } from 'moleculer';
import { USERNAME_PATTERN, believedUntil, capabilitiesOf, isCurrentAt, isoOf, type Language } from '@um/domain';
import type { AuthMethod, PayloadOf, RoleView } from '@um/contracts';
import { broadcastEvent, ClientProblem, defineAction, requirePrincipal } from '@um/platform';
import { CertificateError, ensureUsableForLogin, issuedByAnchor, nissOf, parseCertificate, type ParsedCertificate } from '../certificates.js';
import { auditPerson } from '../audit.js';
import type { IdentityContext } from '../context.js';
import type { PersonDoc, RoleDoc } from '../model.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import type { SessionFacts } from '../session-cache.js';
import { findPersonByNiss, findPersonByUsername } from '../person-keys.js';
import { normaliseUsername, type Refusal } from '../throttle.js';

/** lastSeenAt is written at most this often per session. */
const TOUCH_INTERVAL_MS = 30_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Every failed password login, whatever failed: the username, the password, or the missing personal certificate. */
const invalidCredentials = () =>
  new ClientProblem('INVALID_CREDENTIALS', 'unknown username, wrong password, or the personal certificate bound to the account not presented');

/** A refused attempt: the address's limit (429) or the username's lock (423), the same for every username. */
export function refusalProblem(refusal: Refusal): ClientProblem {
  return refusal.kind === 'address'
    ? new ClientProblem('TOO_MANY_ATTEMPTS', 'too many failed logins from this address: try again later', { retryAfterSeconds: refusal.retryAfterSeconds })
    : new ClientProblem('ACCOUNT_LOCKED', 'too many failed logins for this username: try again later', { retryAfterSeconds: refusal.retryAfterSeconds });
}
const unauthenticated = () => new ClientProblem('UNAUTHENTICATED', 'the session is missing, expired or ended');

export function roleView(role: Pick<RoleDoc, '_id' | 'kind' | 'enterpriseNumber' | 'quality' | 'validFrom' | 'validUntil'>): RoleView {
  const validFrom = isoOf(role.validFrom);
  const validUntil = isoOf(role.validUntil);
  return {
    id: String(role._id),
    kind: role.kind as RoleView['kind'],
    ...(role.enterpriseNumber ? { enterpriseNumber: role.enterpriseNumber } : {}),
    ...(role.quality ? { quality: role.quality as RoleView['quality'] } : {}),
    ...(validFrom ? { validFrom } : {}),
    ...(validUntil ? { validUntil } : {}),
  };
}

/**
 * A token is a selector (the session's id, 24 hex) followed by a verifier (256 random bits,
 * base64url): the session is read by its id (the one lookup every store serves from an index) and
 * the verifier compared in constant time with the SHA-256 kept in place of it.
 */
const SELECTOR_LENGTH = 24;
const VERIFIER_LENGTH = 43;
const TOKEN = new RegExp(`^([0-9a-f]{${SELECTOR_LENGTH}})([A-Za-z0-9_-]{${VERIFIER_LENGTH}})$`);

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

async function openSession(ic: IdentityContext, personId: Types.ObjectId, authMethods: AuthMethod[], roleId?: Types.ObjectId): Promise<string> {
  const id = new Types.ObjectId();
  const verifier = randomBytes(32).toString('base64url');
  const now = new Date();
  await ic.models.Session.create({
    _id: id,
    verifierHash: sha256(verifier),
    personId,
    roleId,
    authMethods,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + ic.config.UM_SESSION_ABSOLUTE_HOURS * 3_600_000),
  });
  return `${id.toHexString()}${verifier}`;
}

/**
 * After a change that ends sessions or takes a right from them: this instance forgets them before
 * it answers, and every other identity instance on the broadcast (see session-cache.ts).
 */
export async function sessionsChanged(ic: IdentityContext, broadcaster: Pick<Context, 'broadcast'>, scope: PayloadOf<'identity.sessions.changed'>): Promise<void> {
  ic.sessions.forget(scope);
  await broadcastEvent(broadcaster, 'identity.sessions.changed', scope);
}

/** Reads the session and what it depends on from the store; undefined when it is not usable. */
async function readSession(ic: IdentityContext, sessionId: string, now: number): Promise<SessionFacts | undefined> {
  const session = await ic.models.Session.findById(sessionId).lean();
  if (!session || session.endedAt || session.expiresAt.getTime() <= now) return undefined;
  const person = await ic.models.Person.findById(session.personId, { account: 1, language: 1 }).lean();
  const account = person?.account;
  if (!account || account.status !== 'active') return undefined;
  // A password change ends every session opened before it.
  if (account.passwordChangedAt.getTime() > (session as { createdAt: Date }).createdAt.getTime()) return undefined;
  let role: RoleView | undefined;
  if (session.roleId) {
    const doc = await ic.models.Role.findById(session.roleId).lean();
    // Time-bound access: outside its window the role gives the session nothing, as if blocked.
    if (!doc || doc.status !== 'active' || !isCurrentAt(doc, now)) return undefined;
    role = roleView(doc);
  }
  let lastSeenAt = session.lastSeenAt.getTime();
  if (lastSeenAt + ic.config.UM_SESSION_IDLE_MINUTES * 60_000 <= now) return undefined;
  if (lastSeenAt + TOUCH_INTERVAL_MS <= now) {
    await ic.models.Session.updateOne({ _id: session._id }, { $set: { lastSeenAt: new Date(now) } });
    lastSeenAt = now;
  }
  return {
    principal: {
      personId: String(session.personId),
      sessionId,
      ...(role ? { role } : {}),
      ...(person?.language ? { language: person.language as Language } : {}),
      ...(account.mustChangePassword ? { passwordChangeRequired: true as const } : {}),
      authMethods: (session.authMethods ?? []) as AuthMethod[],
    },
    verifierHash: session.verifierHash,
    expiresAt: session.expiresAt.getTime(),
    lastSeenAt,
  };
}

/** What every successful login answers: a fresh session and every active role of the person. */
async function completeLogin(
  ic: IdentityContext,
  person: Pick<PersonDoc, '_id' | 'account'>,
  authMethods: AuthMethod[],
): Promise<{ token: string; roles: RoleView[]; authMethods: AuthMethod[]; passwordChangeRequired?: true }> {
  const personId = person._id;
  const now = Date.now();
  // Roles outside their window are not offered (POST /auth/session/role would refuse them).
  const roles = (await ic.models.Role.find({ personId, status: 'active' }).sort({ createdAt: 1 }).lean()).filter((role) => isCurrentAt(role, now));
  const token = await openSession(ic, personId, authMethods);
  return { token, roles: roles.map(roleView), authMethods, ...(person.account?.mustChangePassword ? { passwordChangeRequired: true as const } : {}) };
}

/** An eID certificate: issued by a CA of UM_EID_CA_FILE, with a valid NISS in its subject; its NISS. */
function eidNiss(ic: IdentityContext, cert: ParsedCertificate): string | undefined {
  if (ic.eidAnchors.length === 0 || !issuedByAnchor(cert, ic.eidAnchors)) return undefined;
  return nissOf(cert);
}

/**
 * What a certificate presented on the connection of a password login adds: `certificate` when it
 * is the personal certificate bound to the person, `eid` when it is an eID carrying their NISS.
 * A certificate that cannot serve to log in (unreadable, expired, not for client authentication)
 * adds nothing.
 */
function presentedCertificate(ic: IdentityContext, base64?: string): { fingerprintSha256: string; eidNiss?: string } | undefined {
  if (!base64) return undefined;
  try {
    const cert = parseCertificate(Buffer.from(base64, 'base64'));
    ensureUsableForLogin(cert);
    const niss = eidNiss(ic, cert);
    return { fingerprintSha256: cert.view.fingerprintSha256, ...(niss ? { eidNiss: niss } : {}) };
  } catch (err) {
    if (err instanceof CertificateError) return undefined;
    throw err;
  }
}

function secondFactor(person: PersonDoc, presented: ReturnType<typeof presentedCertificate>): AuthMethod | undefined {
  if (!presented) return undefined;
  if (person.certificate && person.certificate.fingerprintSha256 === presented.fingerprintSha256) return 'certificate';
  if (presented.eidNiss && person.niss === presented.eidNiss) return 'eid';
  return undefined;
}

export function sessionActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    // Every step runs for a known and an unknown username alike (the throttle, the look-up, one
    // argon2 verification, the failure's record), so neither the answer nor the work tells them apart.
    // A person who bound a personal certificate (PUT /me/certificate) must present it, or their eID,
    // on the connection (manual 4.2.3: given alongside username and password); without it the answer
    // is the same 401 as a wrong password, so it reveals neither the password nor the binding.
    ...defineAction('identity.login', async ({ username, password, sourceIp, certificate, via }, ctx) => {
      const reservation = await ic.throttle.reserve(ic.throttle.loginSubjects(username, sourceIp));
      if (reservation.refusal) throw refusalProblem(reservation.refusal);
      const presented = presentedCertificate(ic, certificate);
      const typed = normaliseUsername(username);
      const person = await findPersonByUsername(ic, typed);
      const account = person && person.account?.status !== 'deleted' ? person.account : undefined;
      // An unknown username costs the same hash as a wrong password.
      const verification = await verifyPassword(password, account?.passwordHash ?? ic.decoyHash, ic.cost);
      const factor = person ? secondFactor(person, presented) : undefined;
      if (!person || !account || !verification.ok || (person.certificate && !factor)) {
        const reached = await reservation.failed();
        // An unknown username is recorded as typed (normalised), and creates nobody; unless it cannot be a
        // username at all (a password typed in the wrong field, say), which is then not kept.
        const who = person && account ? { personId: person._id } : USERNAME_PATTERN.test(typed) ? { username: typed } : {};
        const why = !person || !account ? 'unknown username' : verification.ok ? 'personal certificate not presented' : 'wrong password';
        await auditPerson(ic, ctx, { action: 'login.failed', ...who, sourceIp, after: { reason: why } });
        if (reached.includes('username')) await auditPerson(ic, ctx, { action: 'login.locked', ...who, sourceIp });
        if (reached.includes('address')) await auditPerson(ic, ctx, { action: 'login.address-limited', sourceIp });
        if (person && account) ic.logger.info({ personId: String(person._id), sourceIp, why, ...(via ? { via } : {}) }, 'failed login');
        throw invalidCredentials();
      }
      await reservation.succeeded();
      if (account.status === 'blocked') {
        await auditPerson(ic, ctx, { action: 'login.refused', personId: person._id, sourceIp, after: { reason: 'account blocked' } });
        throw new ClientProblem('ACCOUNT_BLOCKED', 'this account is blocked');
      }
      if (verification.needsRehash) {
        await ic.models.Person.updateOne({ _id: person._id }, { $set: { 'account.passwordHash': await hashPassword(password, ic.cost) } });
      }
      const authMethods: AuthMethod[] = factor ? ['password', factor] : ['password'];
      await auditPerson(ic, ctx, { action: 'login.succeeded', personId: person._id, sourceIp, after: { authMethods } });
      return completeLogin(ic, person, authMethods);
    }),

    // An eID certificate logs in alone; a personal certificate never does (it is a second factor,
    // given with the password to POST /auth/login), and is refused like any other certificate, so
    // the answer does not tell whether it is bound. Possession of the private key was proven by the
    // TLS handshake (ours or the terminator's), so there is nothing to guess per account: failures
    // are throttled per source address only.
    ...defineAction('identity.loginWithCertificate', async ({ certificate, via, sourceIp }, ctx) => {
      const reservation = await ic.throttle.reserve(ic.throttle.loginSubjects(undefined, sourceIp));
      if (reservation.refusal) throw refusalProblem(reservation.refusal);
      let cert: ParsedCertificate;
      try {
        cert = parseCertificate(Buffer.from(certificate, 'base64'));
        ensureUsableForLogin(cert);
      } catch (err) {
        if (!(err instanceof CertificateError)) throw err;
        await reservation.failed();
        if (err.code === 'CERTIFICATE_MALFORMED') throw new ClientProblem('CERTIFICATE_MALFORMED', err.message);
        throw new ClientProblem('CERTIFICATE_REJECTED', err.message);
      }
      const niss = eidNiss(ic, cert);
      const holder = niss ? await findPersonByNiss(ic, niss) : null;
      const status = holder?.account?.status;
      if (!holder || (status !== 'active' && status !== 'blocked')) {
        ic.logger.info({ fingerprintSha256: cert.view.fingerprintSha256, via, sourceIp }, 'certificate login refused: not an eID of a known account');
        const reached = await reservation.failed();
        await auditPerson(ic, ctx, { action: 'login.failed', sourceIp, after: { reason: 'certificate not accepted', fingerprintSha256: cert.view.fingerprintSha256, via } });
        if (reached.includes('address')) await auditPerson(ic, ctx, { action: 'login.address-limited', sourceIp });
        throw new ClientProblem(
          'CERTIFICATE_REJECTED',
          'this certificate is not an accepted eID of an account (a personal certificate is given with the password, to POST /auth/login)',
        );
      }
      await reservation.succeeded();
      if (status === 'blocked') {
        await auditPerson(ic, ctx, { action: 'login.refused', personId: holder._id, sourceIp, after: { reason: 'account blocked' } });
        throw new ClientProblem('ACCOUNT_BLOCKED', 'this account is blocked');
      }
      ic.logger.info({ personId: String(holder._id), via, sourceIp }, 'eID login');
      await auditPerson(ic, ctx, { action: 'login.succeeded', personId: holder._id, sourceIp, after: { authMethods: ['eid'], via } });
      return completeLogin(ic, holder, ['eid']);
    }),

    ...defineAction('identity.authenticate', async ({ token }) => {
      const parts = TOKEN.exec(token);
      if (!parts) throw unauthenticated();
      const [, sessionId, verifier] = parts as unknown as [string, string, string];
      const now = Date.now();
      const idleMs = ic.config.UM_SESSION_IDLE_MINUTES * 60_000;
      let entry: SessionFacts | undefined = ic.sessions.get(sessionId, now);
      if (!entry || entry.expiresAt <= now || entry.lastSeenAt + idleMs <= now || !isCurrentAt(entry.principal.role, now)) {
        // A session-ending change seen while the store is read may be older than what is read: then
        // the answer stands for this request but is not kept.
        const generation = ic.sessions.generation;
        entry = await readSession(ic, sessionId, now);
        if (!entry) throw unauthenticated();
        ic.sessions.put(sessionId, entry, now, generation);
      }
      if (!sameHash(sha256(verifier), entry.verifierHash)) throw unauthenticated();
      // Nobody (the gateway's cache included) believes this answer past the session's end or its role's validUntil.
      return { principal: entry.principal, validUntil: believedUntil(Math.min(entry.expiresAt, entry.lastSeenAt + idleMs), entry.principal.role) };
    }),

    ...defineAction('identity.chooseRole', async ({ roleId }, ctx) => {
      const principal = requirePrincipal(ctx);
      const role = Types.ObjectId.isValid(roleId)
        ? await ic.models.Role.findOne({ _id: new Types.ObjectId(roleId), personId: new Types.ObjectId(principal.personId), status: 'active' }).lean()
        : null;
      if (!role) throw new ClientProblem('NOT_FOUND', 'no such role for this person');
      if (!isCurrentAt(role, Date.now())) throw new ClientProblem('ROLE_NOT_CURRENT', 'this role is outside its validity period');
      const token = await openSession(ic, role.personId, principal.authMethods ?? [], role._id);
      const view = roleView(role);
      return { token, role: view, capabilities: capabilitiesOf(view.kind) };
    }),

    ...defineAction('identity.logout', async (_input, ctx) => {
      const principal = requirePrincipal(ctx);
      await ic.models.Session.updateOne({ _id: new Types.ObjectId(principal.sessionId) }, { $set: { endedAt: new Date() } });
      await sessionsChanged(ic, ctx, { sessionId: principal.sessionId });
      return null;
    }),
  };
}
