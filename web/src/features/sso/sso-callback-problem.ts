import { errorCatalogue, isErrorCode } from '../../../../src/core/errors';
import type { Problem } from '../../api/client';

/** E2: why the provider's sign-in came back refused (the callback's `?sso_error=`), in the catalogue's words. */
export function ssoCallbackProblem(code: string | null): Problem | null {
  if (code === null) return null;
  const known = isErrorCode(code) && (code.startsWith('sso_') || code === 'rate_limited') ? code : 'sso_sign_in_failed';
  const { status, title } = errorCatalogue[known];
  return { status, code: known, title };
}
