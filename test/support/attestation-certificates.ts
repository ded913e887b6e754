// W5: attestation certificate chains for the software authenticator, made in the test with
// @peculiar/x509 (installed with @simplewebauthn/server): a model's root, an intermediate, and
// leaves as WebAuthn Level 3 §8.2.1 wants them for 'packed' (OU "Authenticator Attestation", not
// a CA, optionally the id-fido-gen-ce-aaguid extension).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, type webcrypto } from 'node:crypto';

x509.cryptoProvider.set(globalThis.crypto);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const day = 24 * 60 * 60 * 1000;
let serial = 1;

export interface TestCertificate {
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  pem: string;
  der: Buffer;
}

async function issue(input: { subject: string; issuer?: TestCertificate; isCa: boolean; notBefore: Date; notAfter: Date; aaguid?: string }): Promise<TestCertificate> {
  const keys = (await globalThis.crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(input.isCa, undefined, true)];
  if (input.isCa) extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  if (input.aaguid !== undefined) {
    // extnValue: an OCTET STRING holding the 16 bytes (the extension wraps it once more).
    const bytes = Buffer.from(input.aaguid.replace(/-/g, ''), 'hex');
    extensions.push(new x509.Extension('1.3.6.1.4.1.45724.1.1.4', false, Buffer.concat([Buffer.from([0x04, bytes.length]), bytes])));
  }
  const serialNumber = (serial++).toString(16).padStart(2, '0');
  const certificate = input.issuer
    ? await x509.X509CertificateGenerator.create({
        serialNumber,
        subject: input.subject,
        issuer: input.issuer.certificate.subject,
        notBefore: input.notBefore,
        notAfter: input.notAfter,
        signingAlgorithm: algorithm,
        publicKey: keys.publicKey,
        signingKey: input.issuer.keys.privateKey,
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ serialNumber, name: input.subject, notBefore: input.notBefore, notAfter: input.notAfter, signingAlgorithm: algorithm, keys, extensions });
  return { certificate, keys, pem: certificate.toString('pem'), der: Buffer.from(certificate.rawData) };
}

/** A model vendor's root (a CA), valid from yesterday for ten years of real time. */
export function createRoot(name = 'Test Vendor Root'): Promise<TestCertificate> {
  const now = Date.now();
  return issue({ subject: `CN=${name}, O=Test Vendor, C=CH`, isCa: true, notBefore: new Date(now - day), notAfter: new Date(now + 3650 * day) });
}

export function createIntermediate(root: TestCertificate): Promise<TestCertificate> {
  const now = Date.now();
  return issue({ subject: 'CN=Test Vendor Attestation CA, O=Test Vendor, C=CH', issuer: root, isCa: true, notBefore: new Date(now - day), notAfter: new Date(now + 3650 * day) });
}

/**
 * An attestation (leaf) certificate; without `issuer` it signs itself (what anyone can make).
 * `validForDays` counts from now in real time (the library checks the leaf against the real clock).
 */
export function createAttestationLeaf(input: { issuer?: TestCertificate; aaguid?: string; validForDays?: number }): Promise<TestCertificate> {
  const now = Date.now();
  return issue({
    subject: 'CN=Test Key Attestation, OU=Authenticator Attestation, O=Test Vendor, C=CH',
    issuer: input.issuer,
    isCa: false,
    notBefore: new Date(now - day),
    notAfter: new Date(now + (input.validForDays ?? 365) * day),
    aaguid: input.aaguid,
  });
}

/** What the software authenticator needs to make a 'packed' full attestation with this chain. */
export function packedAttestation(leaf: TestCertificate, ...chain: TestCertificate[]): { certificates: Buffer[]; privateKey: KeyObject } {
  return { certificates: [leaf.der, ...chain.map((c) => c.der)], privateKey: KeyObject.from(leaf.keys.privateKey) };
}
