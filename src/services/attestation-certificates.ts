// W5: the administrator's attestation root certificates (parsed with node:crypto) and the offline
// check of an attestation statement's chain against them. The decisions are in
// core/attestation-chain.ts; this file only turns bytes into what they need.
import { X509Certificate } from 'node:crypto';
import { aaguidExtensionOf, checkAttestationChain, type AttestationChainCheck, type ChainCertificate } from '../core/attestation-chain.js';

interface ParsedCertificate extends ChainCertificate {
  x509: X509Certificate;
}

function parsedOf(x509: X509Certificate): ParsedCertificate | undefined {
  const validFromInMs = Date.parse(x509.validFrom);
  const validToInMs = Date.parse(x509.validTo);
  if (!Number.isFinite(validFromInMs) || !Number.isFinite(validToInMs)) return undefined;
  return { x509, validFromInMs, validToInMs, isCertificateAuthority: x509.ca };
}

const pemBlock = /^-----BEGIN CERTIFICATE-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----$/;
const bareBase64 = /^[A-Za-z0-9+/=\s]+$/;

/**
 * One root certificate as an administrator pastes it: a PEM block, or the bare base64 DER of a
 * FIDO metadata statement's `attestationRootCertificates`. Undefined when it is not exactly one
 * parseable X.509 certificate.
 */
export function parseRootCertificate(input: string): X509Certificate | undefined {
  const text = input.trim();
  const base64 = pemBlock.exec(text)?.[1] ?? (bareBase64.test(text) ? text : undefined);
  if (base64 === undefined) return undefined;
  const der = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  if (der.length === 0) return undefined;
  try {
    const certificate = new X509Certificate(der);
    // Trailing bytes after the certificate would be ignored by the parser: refuse them.
    return certificate.raw.equals(der) ? certificate : undefined;
  } catch {
    return undefined;
  }
}

/** What the organization page shows of a stored root. */
export function describeRootCertificate(pem: string): { pem: string; subject: string; validTo: string; sha256: string } | undefined {
  const certificate = parseRootCertificate(pem);
  if (!certificate) return undefined;
  return { pem: certificate.toString(), subject: certificate.subject.replace(/\n/g, ', '), validTo: new Date(Date.parse(certificate.validTo)).toISOString(), sha256: certificate.fingerprint256 };
}

export type AttestationTrust = AttestationChainCheck | { ok: false; reason: 'aaguid_mismatch' | 'unreadable' };

/**
 * W5: the x5c chain (DER, leaf first) leads to one of `rootPems` at `nowInMs`, and the leaf's
 * id-fido-gen-ce-aaguid extension, when present, names the AAGUID of the authenticator data.
 */
export function verifyAttestationTrust(x5c: readonly Uint8Array[], rootPems: readonly string[], aaguid: string, nowInMs: number): AttestationTrust {
  const chain: ParsedCertificate[] = [];
  for (const der of x5c) {
    let parsed: ParsedCertificate | undefined;
    try {
      parsed = parsedOf(new X509Certificate(der));
    } catch {
      parsed = undefined;
    }
    if (!parsed) return { ok: false, reason: 'unreadable' };
    chain.push(parsed);
  }
  const leaf = x5c[0];
  if (leaf !== undefined) {
    const extension = aaguidExtensionOf(leaf);
    if (extension.present === 'malformed') return { ok: false, reason: 'unreadable' };
    if (extension.present && extension.aaguid !== aaguid.toLowerCase()) return { ok: false, reason: 'aaguid_mismatch' };
  }
  const roots = rootPems.flatMap((pem) => {
    const x509 = parseRootCertificate(pem);
    const parsed = x509 && parsedOf(x509);
    return parsed ? [parsed] : [];
  });
  // checkIssued: subject/issuer names (and key identifiers); verify: the issuer's signature.
  const isIssuedBy = (certificate: ParsedCertificate, issuer: ParsedCertificate) => {
    try {
      return certificate.x509.checkIssued(issuer.x509) && certificate.x509.verify(issuer.x509.publicKey);
    } catch {
      return false;
    }
  };
  return checkAttestationChain(chain, roots, isIssuedBy, nowInMs);
}
