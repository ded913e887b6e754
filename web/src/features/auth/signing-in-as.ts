// Issue 17 item 3: the second step says which account is signing in. The address was typed on the
// sign-in page; it is kept in this tab only (sessionStorage), so a reload of the second step keeps
// it and nothing outlives the tab.
const storageKey = 'tessera.signingInAs';

export function rememberSigningInAs(email: string): void {
  try {
    window.sessionStorage.setItem(storageKey, email);
  } catch {
    // Storage may be off (private mode): the page then names no account, nothing breaks.
  }
}

export function signingInAs(): string | null {
  try {
    return window.sessionStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function forgetSigningInAs(): void {
  try {
    window.sessionStorage.removeItem(storageKey);
  } catch {
    // See above.
  }
}
