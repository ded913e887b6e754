// Reusable JSON schema fragments for route definitions (and so for the OpenAPI document).

// No control characters anywhere in free text: they break logs, e-mail headers and PostgreSQL
// (NUL). No lone UTF-16 surrogates either: databases would store them altered (U+FFFD).
// Ajv compiles patterns with the `u` flag, so a class matches whole code points.
const allowedCharacter = '[^\\u0000-\\u001F\\u007F\\uD800-\\uDFFF]';
const noControlCharacters = `^${allowedCharacter}*$`;
// Names must show something: at least one character that is not white space.
const visibleText = `^\\s*[^\\s\\u0000-\\u001F\\u007F\\uD800-\\uDFFF]${allowedCharacter}*$`;
const noLoneSurrogates = '^[^\\uD800-\\uDFFF]*$';

export const textField = (maxLength: number, description?: string) =>
  ({ type: 'string', minLength: 1, maxLength, pattern: visibleText, ...(description ? { description } : {}) }) as const;

export const emailField = { type: 'string', minLength: 3, maxLength: 254, pattern: noControlCharacters, description: 'E-mail address; matched case-insensitively.' } as const;
// What someone types to sign in or reset: looser than emailField (an unknown address is simply
// not found), but still free of characters the database refuses.
export const typedEmailField = { type: 'string', maxLength: 1024, pattern: noControlCharacters } as const;
export const nameField = textField(100, 'A person’s name as shown to others.');
// Generous bound: the policy (10 to 256 characters) is checked in core with a helpful message.
export const passwordField = { type: 'string', minLength: 1, maxLength: 1024, pattern: noLoneSurrogates } as const;
export const tokenField = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' } as const;
export const idField = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
// L2 R1: an authenticator or recovery code as people type it: digits, with spaces or dashes
// between the groups. Anything else cannot be a code, so it is refused as malformed (and changes
// nothing) instead of being counted as a wrong guess (L3).
export const secondFactorCodeField = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[\\p{Zs}-]*[0-9][0-9\\p{Zs}-]*$',
  description: 'An authenticator code (6 digits) or a recovery code (8 digits, dash and spaces optional).',
} as const;
export const timeField = { type: 'string', format: 'date-time' } as const;
export const roleField = { type: 'string', enum: ['admin', 'member'] } as const;

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, { $ref: 'Problem#' }]));

export const noContent = { type: 'null', description: 'No content' } as const;

export function objectSchema<P extends Record<string, unknown>>(properties: P, required: (keyof P & string)[] = []) {
  return { type: 'object', properties, required } as const;
}
