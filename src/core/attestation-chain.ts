// W5: whether an attestation statement's certificate chain (x5c) leads to a root certificate the
// administrator supplied for the model it claims. Free of I/O: the signature check of one
// certificate by another is passed in (node:crypto at the edge), and so is the time.

/** What the chain walk needs to know of one certificate. */
export interface ChainCertificate {
  validFromInMs: number;
  validToInMs: number;
  /** basicConstraints cA: only a certificate authority may issue another certificate. */
  isCertificateAuthority: boolean;
}

/** Longest x5c walked (leaf, intermediates, possibly the root itself): real chains have 1–3. */
export const maxAttestationChainLength = 5;

export type AttestationChainCheck = { ok: true } | { ok: false; reason: 'no_chain' | 'chain_too_long' | 'not_valid_now' | 'untrusted' };

/**
 * W5, WebAuthn Level 3 §8.2 (packed, full attestation) and RFC 5280 §6 in its simplest form: the
 * leaf, then each intermediate in x5c order, must be issued (name and signature) by the next,
 * until one is issued by a supplied root. Every certificate on the way, and the root, must be
 * valid at `nowInMs` (the server's clock, not the authenticator's word).
 */
export function checkAttestationChain<C extends ChainCertificate>(
  chain: readonly C[],
  roots: readonly C[],
  isIssuedBy: (certificate: C, issuer: C) => boolean,
  nowInMs: number,
): AttestationChainCheck {
  if (chain.length === 0) return { ok: false, reason: 'no_chain' };
  if (chain.length > maxAttestationChainLength) return { ok: false, reason: 'chain_too_long' };
  const isValidNow = (certificate: C) => certificate.validFromInMs <= nowInMs && nowInMs <= certificate.validToInMs;
  for (let index = 0; index < chain.length; index += 1) {
    const certificate = chain[index]!;
    if (!isValidNow(certificate)) return { ok: false, reason: 'not_valid_now' };
    if (roots.some((root) => isValidNow(root) && isIssuedBy(certificate, root))) return { ok: true };
    const next = chain[index + 1];
    if (next === undefined || !next.isCertificateAuthority || !isIssuedBy(certificate, next)) return { ok: false, reason: 'untrusted' };
  }
  return { ok: false, reason: 'untrusted' };
}

// DER (X.690) just far enough to find one extension of a certificate.
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 3 || start + bytes > limit) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i += 1) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + length;
  return end > limit ? undefined : { tag, start, end };
}

function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const children: Tlv[] = [];
  let offset = parent.start;
  while (offset < parent.end) {
    const child = readTlv(der, offset, parent.end);
    if (!child) return undefined;
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** id-fido-gen-ce-aaguid, 1.3.6.1.4.1.45724.1.1.4, as DER object identifier content bytes. */
const aaguidExtensionOid = [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xe5, 0x1c, 0x01, 0x01, 0x04];

export type AaguidExtension = { present: false } | { present: true; aaguid: string } | { present: 'malformed' };

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * WebAuthn Level 3 §8.2.1: an attestation certificate may name its model in the extension
 * id-fido-gen-ce-aaguid (an OCTET STRING holding the 16-byte AAGUID); when present it must equal
 * the AAGUID in the authenticator data.
 */
export function aaguidExtensionOf(der: Uint8Array): AaguidExtension {
  const certificate = readTlv(der, 0, der.length);
  const certificateParts = certificate && certificate.tag === 0x30 ? childrenOf(der, certificate) : undefined;
  const tbs = certificateParts?.[0];
  const tbsParts = tbs && tbs.tag === 0x30 ? childrenOf(der, tbs) : undefined;
  if (!tbsParts) return { present: 'malformed' };
  const extensionsWrapper = tbsParts.find((part) => part.tag === 0xa3);
  if (!extensionsWrapper) return { present: false };
  const extensionsSequence = childrenOf(der, extensionsWrapper)?.[0];
  const extensions = extensionsSequence && extensionsSequence.tag === 0x30 ? childrenOf(der, extensionsSequence) : undefined;
  if (!extensions) return { present: 'malformed' };
  for (const extension of extensions) {
    const parts = extension.tag === 0x30 ? childrenOf(der, extension) : undefined;
    const oid = parts?.[0];
    if (!parts || !oid || oid.tag !== 0x06) return { present: 'malformed' };
    const oidBytes = der.subarray(oid.start, oid.end);
    if (oidBytes.length !== aaguidExtensionOid.length || !aaguidExtensionOid.every((byte, i) => oidBytes[i] === byte)) continue;
    const value = parts[parts.length - 1]!;
    const inner = value.tag === 0x04 ? readTlv(der, value.start, value.end) : undefined;
    if (!inner || inner.tag !== 0x04 || inner.end - inner.start !== 16 || inner.end !== value.end) return { present: 'malformed' };
    const h = hex(der.subarray(inner.start, inner.end));
    return { present: true, aaguid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
  }
  return { present: false };
}

/** Bounds on what an administrator may store per organization (W5). */
export const maxAllowedAuthenticatorModels = 50;
export const maxRootCertificatesPerModel = 4;
/** Characters of one certificate as entered (PEM or base64 DER); FIDO roots are well under 4 KB. */
export const maxRootCertificateLength = 12_000;
