/**
 * Certificates over HTTP: the raw-body parsers of PUT /me/certificate (PEM or DER), and where a
 * login certificate comes from — this gateway's own mutual-TLS handshake, or the header a trusted
 * TLS terminator fills in, believed only when the direct peer is one of the configured proxies.
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '@um/platform';

export const CERTIFICATE_MEDIA_TYPES = ['application/x-pem-file', 'application/pkix-cert'];

/** Real client certificates are a few KiB; more is not a certificate. */
export const MAX_CERTIFICATE_BYTES = 16 * 1024;

export interface PresentedCertificate {
  /** The bytes as received (DER from TLS, PEM text from a header), base64-encoded. */
  certificate: string;
  via: 'mutual-tls' | 'proxy-header';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The client certificate of this request, if any (see registerCertificates). */
    clientCertificate(): PresentedCertificate | undefined;
  }
}

const normalizeAddress = (address: string | undefined) => (address ?? '').replace(/^::ffff:/, '');

export function registerCertificates(app: FastifyInstance, config: GatewayConfig): void {
  app.addContentTypeParser(CERTIFICATE_MEDIA_TYPES, { parseAs: 'buffer', bodyLimit: config.UM_BODY_LIMIT_BYTES }, (_request, body, done) => {
    done(null, body);
  });

  const header = config.UM_CLIENT_CERT_HEADER?.toLowerCase();
  const trusted = new Set(config.UM_CERT_HEADER_TRUSTED_PROXIES.split(',').map((s) => normalizeAddress(s.trim())).filter(Boolean));

  app.decorateRequest('clientCertificate', function clientCertificate(this: FastifyRequest): PresentedCertificate | undefined {
    const socket = this.raw.socket as Partial<TLSSocket>;
    if (typeof socket.getPeerCertificate === 'function') {
      const peer = socket.getPeerCertificate();
      // rejectUnauthorized is off on our listener: identity decides which certificates it accepts.
      if (peer?.raw?.length) return { certificate: peer.raw.toString('base64'), via: 'mutual-tls' };
    }
    if (!header) return undefined;
    const value = this.headers[header];
    if (value === undefined) return undefined;
    // Never the X-Forwarded-For address: the header is as trustworthy as the peer that sent it.
    const peerAddress = normalizeAddress(this.raw.socket.remoteAddress);
    if (!trusted.has(peerAddress)) {
      this.log.warn({ peerAddress, header }, 'client-certificate header from an untrusted peer ignored');
      return undefined;
    }
    if (typeof value !== 'string' || value.length === 0) return undefined;
    let pem = value;
    try {
      pem = decodeURIComponent(value);
    } catch {
      /* not URL-encoded: identity will say whether it is a certificate */
    }
    return { certificate: Buffer.from(pem, 'utf8').toString('base64'), via: 'proxy-header' };
  });
}
