/**
 * Certificates made at test time with node-forge: a CA (an "eID" CA or any other), and client
 * certificates with the validity, extended key usage and subject the test needs.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TestCertificate {
  cert: forge.pki.Certificate;
  /** PEM text of the certificate. */
  pem: string;
  der: Buffer;
  /** PEM (PKCS#8) of its private key. */
  keyPem: string;
  privateKey: forge.pki.PrivateKey;
}

export interface IssueOptions {
  commonName?: string;
  /** Subject serialNumber attribute (2.5.4.5): the NISS on a Belgian eID. */
  serialNumber?: string;
  /** Signed by this CA; unset: self-signed. */
  issuer?: TestCertificate;
  notBefore?: Date;
  notAfter?: Date;
  /** Extended key usage: clientAuth (default), serverAuth only, or no extension at all. */
  usage?: 'clientAuth' | 'serverAuth' | 'none';
  /** A CA certificate (basicConstraints cA, keyCertSign). */
  ca?: boolean;
  /** Subject alternative names (server certificates). */
  ipAddresses?: string[];
}

const DAY = 86_400_000;

function keyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  // Node generates the key (fast, native); forge signs with it.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey: forge.pki.privateKeyFromPem(privateKey), publicKey: forge.pki.publicKeyFromPem(publicKey), keyPem: privateKey };
}

/** End-entity certificates share one key (generating RSA keys is what costs); every CA has its own. */
let leafKeys: ReturnType<typeof keyPair> | undefined;

export function issueCertificate(options: IssueOptions = {}): TestCertificate {
  const keys = options.ca ? keyPair() : (leafKeys ??= keyPair());
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * DAY);
  const subject: forge.pki.CertificateField[] = [
    { shortName: 'C', value: 'BE' },
    { shortName: 'CN', value: options.commonName ?? 'Test Person' },
  ];
  if (options.serialNumber) subject.push({ type: '2.5.4.5', value: options.serialNumber, valueTagClass: forge.asn1.Type.PRINTABLESTRING as unknown as forge.asn1.Class });
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [];
  if (options.ca) {
    extensions.push({ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
  } else {
    extensions.push({ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    const usage = options.usage ?? 'clientAuth';
    if (usage === 'clientAuth') extensions.push({ name: 'extKeyUsage', clientAuth: true });
    if (usage === 'serverAuth') extensions.push({ name: 'extKeyUsage', serverAuth: true });
  }
  if (options.ipAddresses) extensions.push({ name: 'subjectAltName', altNames: options.ipAddresses.map((ip) => ({ type: 7, ip })) });
  cert.setExtensions(extensions);
  cert.sign((options.issuer?.privateKey ?? keys.privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return { cert, pem, der, keyPem: keys.keyPem, privateKey: keys.privateKey };
}

/** A certificate authority (e.g. the eID "Citizen CA" of a test). */
export function createCa(commonName = 'Test Citizen CA'): TestCertificate {
  return issueCertificate({ commonName, ca: true, notAfter: new Date(Date.now() + 5 * 365 * DAY) });
}

/** The URL-encoded PEM a TLS terminator puts in its client-certificate header (nginx $ssl_client_escaped_cert). */
export function forwardedHeaderValue(certificate: TestCertificate): string {
  return encodeURIComponent(certificate.pem);
}
