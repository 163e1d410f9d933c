/** The caller's personal certificate (PUT/GET/DELETE /me/certificate), used for certificate login. */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import type { CertificateView } from '@um/contracts';
import { ClientProblem, defineAction, isDuplicateKey, notFound, requirePrincipal } from '@um/platform';
import { CertificateError, ensureUsableForLogin, parseCertificate, type ParsedCertificate } from '../certificates.js';
import { auditPerson } from '../audit.js';
import type { IdentityContext } from '../context.js';

const taken = () => new ClientProblem('CERTIFICATE_TAKEN', 'this certificate is already bound to another person');

export function certificateActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.setCertificate', async ({ certificate }, ctx) => {
      const id = new Types.ObjectId(requirePrincipal(ctx).personId);
      let cert: ParsedCertificate;
      try {
        cert = parseCertificate(Buffer.from(certificate, 'base64'));
        ensureUsableForLogin(cert);
      } catch (err) {
        if (err instanceof CertificateError) throw new ClientProblem(err.code, err.message);
        throw err;
      }
      const { fingerprintSha256 } = cert.view;
      if (await ic.models.Person.exists({ 'certificate.fingerprintSha256': fingerprintSha256, _id: { $ne: id } })) throw taken();
      const stored = {
        ...cert.view,
        notBefore: new Date(cert.view.notBefore),
        notAfter: new Date(cert.view.notAfter),
        boundAt: new Date(),
      };
      let previous: string | undefined;
      try {
        // Replaces the caller's previous certificate, if any. The unique index settles a race.
        const before = await ic.models.Person.findOneAndUpdate(
          { _id: id, account: { $exists: true } },
          { $set: { certificate: stored } },
          { returnDocument: 'before' },
        ).lean();
        if (!before) throw notFound('account');
        previous = before.certificate?.fingerprintSha256;
      } catch (err) {
        if (isDuplicateKey(err)) throw taken(); // the unique index on the fingerprint, by code (11000)
        throw err;
      }
      ic.logger.info({ personId: String(id), fingerprintSha256 }, 'personal certificate bound');
      if (previous !== fingerprintSha256) {
        await auditPerson(ic, ctx, {
          action: 'certificate.bound',
          personId: id,
          ...(previous ? { before: { fingerprintSha256: previous } } : {}),
          after: { fingerprintSha256, subject: cert.view.subject, issuer: cert.view.issuer, notAfter: cert.view.notAfter },
          selfService: true,
        });
      }
      return cert.view;
    }),

    ...defineAction('identity.getCertificate', async (_input, ctx) => {
      const person = await ic.models.Person.findById(new Types.ObjectId(requirePrincipal(ctx).personId), { certificate: 1 }).lean();
      const c = person?.certificate;
      if (!c) throw notFound('certificate');
      const view: CertificateView = {
        fingerprintSha256: c.fingerprintSha256,
        subject: c.subject,
        issuer: c.issuer,
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
      };
      return view;
    }),

    ...defineAction('identity.deleteCertificate', async (_input, ctx) => {
      const id = new Types.ObjectId(requirePrincipal(ctx).personId);
      const before = await ic.models.Person.findOneAndUpdate({ _id: id }, { $unset: { certificate: 1 } }, { returnDocument: 'before' }).lean();
      const removed = before?.certificate?.fingerprintSha256;
      if (removed) await auditPerson(ic, ctx, { action: 'certificate.removed', personId: id, before: { fingerprintSha256: removed }, selfService: true });
      return null;
    }),
  };
}
