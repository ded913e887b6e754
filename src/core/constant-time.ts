/**
 * Compares two strings in time that depends only on their length, to prevent timing attacks on
 * codes. Pure, so the core can use it without node:crypto.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
