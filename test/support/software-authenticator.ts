// A software WebAuthn authenticator for the integration tests, built on node:crypto alone: it
// makes real attestation objects ('none', 'packed' self-attestation, or 'packed' full attestation
// with a certificate chain the test made) and real assertions,
// ES256 (WebAuthn Level 3 §6.1, §6.5, §8.2), so the server's library checks real bytes.
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

// The minimal CBOR (RFC 8949) the attestation object and a COSE key need.
function head(major: number, value: number): Buffer {
  if (value < 24) return Buffer.from([(major << 5) | value]);
  if (value < 256) return Buffer.from([(major << 5) | 24, value]);
  if (value < 65536) return Buffer.from([(major << 5) | 25, value >> 8, value & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(value, 1);
  return b;
}

type Cbor = number | string | Buffer | Map<Cbor, Cbor> | Cbor[];

export function encodeCbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(encodeCbor)]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(encodeCbor(k), encodeCbor(v));
  return Buffer.concat(parts);
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest();

export interface AuthenticatorOptions {
  /** The page's origin the browser would report. */
  origin: string;
  rpId: string;
  aaguid?: Buffer;
  /** The flags of a synced passkey (backup eligible and backed up). */
  synced?: boolean;
  /** Signature counter; 0 = an authenticator without one (stays 0). */
  counter?: number;
}

export interface AssertionOverrides {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  userPresent?: boolean;
  counter?: number;
  corruptSignature?: boolean;
  challenge?: string;
}

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  counter: number;
  userHandle: string | undefined;

  constructor(readonly options: AuthenticatorOptions) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.counter = options.counter ?? 0;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  private cosePublicKey(): Buffer {
    const jwk = this.publicKey.export({ format: 'jwk' });
    // RFC 9053 §7.1: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
    return encodeCbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
  }

  private flags(input: { userPresent: boolean; userVerified: boolean; attested: boolean }): number {
    let flags = 0;
    if (input.userPresent) flags |= 0x01;
    if (input.userVerified) flags |= 0x04;
    if (this.options.synced) flags |= 0x08 | 0x10;
    if (input.attested) flags |= 0x40;
    return flags;
  }

  private authenticatorData(rpId: string, flags: number, counter: number, attested: Buffer | undefined): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }

  private sign(data: Buffer, key: KeyObject = this.privateKey): Buffer {
    const signer = createSign('sha256');
    signer.update(data);
    return signer.sign(key); // DER, as WebAuthn wants for ES256
  }

  /** navigator.credentials.create(): the RegistrationResponseJSON for these creation options. */
  register(
    creationOptions: { challenge: string; user: { id: string } },
    input: { format?: 'none' | 'packed'; userVerified?: boolean; origin?: string; rpId?: string; attestation?: { certificates: Buffer[]; privateKey: KeyObject } } = {},
  ) {
    this.userHandle = creationOptions.user.id;
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: creationOptions.challenge, origin: input.origin ?? this.options.origin, crossOrigin: false }));
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attestedCredentialData = Buffer.concat([this.options.aaguid ?? Buffer.alloc(16), idLength, this.credentialId, this.cosePublicKey()]);
    const flags = this.flags({ userPresent: true, userVerified: input.userVerified ?? true, attested: true });
    const authData = this.authenticatorData(input.rpId ?? this.options.rpId, flags, this.counter, attestedCredentialData);
    const format = input.format ?? 'none';
    const attStmt =
      format === 'packed' && input.attestation
        ? // Full attestation (§8.2): signed with the attestation key, its certificate chain in x5c.
          new Map<Cbor, Cbor>([
            ['alg', -7],
            ['sig', this.sign(Buffer.concat([authData, sha256(clientDataJSON)]), input.attestation.privateKey)],
            ['x5c', input.attestation.certificates],
          ])
        : format === 'packed'
          ? new Map<Cbor, Cbor>([
              ['alg', -7],
              ['sig', this.sign(Buffer.concat([authData, sha256(clientDataJSON)]))],
            ])
          : new Map<Cbor, Cbor>();
    const attestationObject = encodeCbor(
      new Map<Cbor, Cbor>([
        ['fmt', format],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
    };
  }

  /** navigator.credentials.get(): the AuthenticationResponseJSON for this challenge; the counter moves on unless given. */
  assert(challenge: string, overrides: AssertionOverrides = {}) {
    const counter = overrides.counter ?? (this.counter === 0 && this.options.counter === undefined ? 0 : ++this.counter);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: overrides.challenge ?? challenge, origin: overrides.origin ?? this.options.origin, crossOrigin: false }));
    const flags = this.flags({ userPresent: overrides.userPresent ?? true, userVerified: overrides.userVerified ?? true, attested: false });
    const authData = this.authenticatorData(overrides.rpId ?? this.options.rpId, flags, counter, undefined);
    const signature = this.sign(Buffer.concat([authData, sha256(clientDataJSON)]));
    if (overrides.corruptSignature) signature.writeUInt8(signature.readUInt8(signature.length - 1) ^ 0x01, signature.length - 1);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), ...(this.userHandle ? { userHandle: this.userHandle } : {}) },
    };
  }
}
