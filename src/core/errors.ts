// The one catalogue of stable error codes. The HTTP edge maps them to problem+json and the web
// UI imports the same table for its messages, so a code never drifts between server and client.

export const errorCatalogue = {
  validation_failed: { status: 400, title: 'Some of the information is not valid.' },
  invalid_token: { status: 400, title: 'This link is invalid or has expired.' },
  invalid_code: { status: 400, title: 'That code is not correct.' },
  invalid_credentials: { status: 401, title: 'The e-mail address or password is not correct.' },
  unauthenticated: { status: 401, title: 'Please sign in.' },
  // K2: HTTP Basic (the password) is refused for members with a second factor; keys keep working.
  two_factor_enabled_use_api_key: { status: 401, title: 'Two-factor authentication is on for this account: use an API key instead of the password.' },
  forbidden: { status: 403, title: 'You are not allowed to do this.' },
  reauthentication_required: { status: 403, title: 'Please confirm your password to continue.' },
  email_not_verified: { status: 403, title: 'Please verify your e-mail address first.' },
  two_factor_setup_required: { status: 403, title: 'Set up two-factor authentication to continue.' },
  recovery_codes_regeneration_required: { status: 403, title: 'Generate new recovery codes to continue.' },
  two_factor_required_by_policy: { status: 403, title: 'Two-factor authentication is required for you.' },
  sms_not_allowed: { status: 403, title: 'Your organization does not allow text messages for two-factor authentication.' },
  not_found: { status: 404, title: 'Not found.' },
  email_taken: { status: 409, title: 'An account with this e-mail address already exists.' },
  last_administrator: { status: 409, title: 'The organization needs at least one administrator.' },
  payload_too_large: { status: 413, title: 'The request is too large.' },
  unsupported_media_type: { status: 415, title: 'Send the request body as application/json.' },
  rate_limited: { status: 429, title: 'Too many attempts. Please wait and try again.' },
  internal_error: { status: 500, title: 'Something went wrong on our side.' },
  sms_delivery_failed: { status: 502, title: 'The text message could not be sent. Please try again.' },
  not_ready: { status: 503, title: 'Tessera is not ready to serve yet.' },
  // A5: replacing or revealing a second factor needs the password and a current code, proved in the last 10 minutes.
  second_factor_reauthentication_required: { status: 403, title: 'Please confirm your password and enter a current code to continue.' },
  // Issue 10 item 6: a daily cap of texts (per organization, or of the whole service) is reached.
  sms_limit_reached: { status: 429, title: 'No more text messages can be sent today. Use another method, or try again later.' },
  // The password-hash queue is full (a flood of sign-ins): answered at once with Retry-After.
  busy: { status: 503, title: 'The server is busy. Please try again in a moment.' },
  // T5 (issue 17): a right authenticator code whose time step was already accepted; counted as a wrong code (L3).
  code_already_used: { status: 400, title: 'This code was just used. Wait for the next one.' },
  // A1 (issue 17 item 8): a verification link opened again once the address is verified.
  email_already_verified: { status: 409, title: 'This e-mail address is already verified.' },
  // E1–E5: single sign-on from the organization's identity provider.
  sso_not_configured: { status: 404, title: 'Single sign-on is not set up for this address.' },
  sso_required: { status: 403, title: 'Your organization signs you in through its identity provider. Continue with single sign-on.' },
  sso_domain_taken: { status: 409, title: 'Another organization already claims this e-mail domain.' },
  sso_conflicts_with_requirement: { status: 409, title: 'This connection cannot be enabled while two-factor authentication is required: choose a rule that keeps the requirement, or turn the requirement off.' },
  sso_sign_in_failed: { status: 400, title: 'Single sign-on did not complete. Please start again.' },
  sso_account_not_found: { status: 403, title: 'Your identity provider signed you in, but there is no account for you in this organization. Ask an administrator to invite you.' },
  sso_email_not_verified: { status: 403, title: 'Your identity provider did not confirm an e-mail address of your organization.' },
  sso_provider_unreachable: { status: 502, title: 'The identity provider could not be reached. Please try again.' },
  // W1–W3: a security key's or passkey's answer did not verify (challenge, origin, signature, user presence or verification, counter).
  webauthn_rejected: { status: 400, title: 'The security key or passkey could not be verified. Please try again.' },
  // W1: the credential is already registered.
  webauthn_already_registered: { status: 409, title: 'This security key or passkey is already registered.' },
  // W3: the organization turned passkey sign-in off.
  passkey_sign_in_disabled: { status: 403, title: 'Your organization does not allow signing in with a passkey alone. Sign in with your password.' },
  // W5: the method is not allowed by the organization.
  method_not_allowed: { status: 403, title: 'Your organization does not allow this method.' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldError {
  field: string;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}
