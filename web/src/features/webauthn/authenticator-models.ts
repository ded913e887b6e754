// W5: the allow-list of authenticator models as the Sign-in methods form edits it: each model's
// AAGUID with its attestation root certificates (one textarea of PEM blocks, or bare base64 DER
// from a FIDO metadata statement, one per paragraph).

export interface StoredRootCertificate {
  pem: string;
  subject: string;
  validTo: string;
  sha256: string;
}

export interface StoredAuthenticatorModel {
  aaguid: string;
  rootCertificates: StoredRootCertificate[];
}

export interface ModelDraft {
  /** Stable React key of the row. */
  key: number;
  aaguid: string;
  certificates: string;
  /** What the server holds for this AAGUID (shown under the row). */
  stored: StoredRootCertificate[];
}

let nextKey = 1;

export function draftOf(model?: StoredAuthenticatorModel): ModelDraft {
  return { key: nextKey++, aaguid: model?.aaguid ?? '', certificates: (model?.rootCertificates ?? []).map((c) => c.pem.trim()).join('\n'), stored: model?.rootCertificates ?? [] };
}

const aaguidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const pemBlocks = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates in a textarea: its PEM blocks, or else its paragraphs (bare base64 DER). */
export function certificatesIn(text: string): string[] {
  const blocks = text.match(pemBlocks);
  if (blocks) return blocks;
  return text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A sentence for the first problem the form can see itself; the server checks the certificates. */
export function problemOf(drafts: readonly ModelDraft[]): string | undefined {
  for (const [index, draft] of drafts.entries()) {
    if (!aaguidPattern.test(draft.aaguid.trim())) return `Model ${index + 1}: enter an AAGUID like ee882879-721c-4913-9775-3dfcce97072a.`;
    if (certificatesIn(draft.certificates).length === 0) return `Model ${index + 1}: paste its attestation root certificate (PEM).`;
  }
  return undefined;
}

/** The PATCH value: null without models. */
export function allowedAuthenticatorsOf(drafts: readonly ModelDraft[]): Array<{ aaguid: string; rootCertificates: string[] }> | null {
  if (drafts.length === 0) return null;
  return drafts.map((draft) => ({ aaguid: draft.aaguid.trim().toLowerCase(), rootCertificates: certificatesIn(draft.certificates) }));
}
