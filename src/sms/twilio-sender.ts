// S3: Twilio's Programmable Messaging REST API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json
// with HTTP Basic (Account SID : Auth Token) and a form-encoded To, From, Body; 201 with the
// message resource on success, an error object {code, message, more_info, status} otherwise.
import type { SmsSender } from '../core/ports.js';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  apiBase: string;
}

/** A refused or failed delivery, with Twilio's own error code when it gave one. */
export class SmsDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly providerCode: number | string | undefined,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}

const requestTimeoutInMs = 10_000;

export function createTwilioSender(settings: TwilioSettings, fetchImpl: typeof fetch = fetch): SmsSender {
  const url = new URL(`2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`, settings.apiBase.endsWith('/') ? settings.apiBase : `${settings.apiBase}/`);
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  return {
    async send(message) {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({ To: message.to, From: settings.from, Body: message.body }).toString(),
          signal: AbortSignal.timeout(requestTimeoutInMs),
        });
      } catch (error) {
        throw new SmsDeliveryError(`Twilio could not be reached: ${error instanceof Error ? error.message : String(error)}`, undefined, undefined);
      }
      const text = await response.text();
      if (response.status === 201 || response.ok) return;
      let providerCode: number | string | undefined;
      let providerMessage = text.slice(0, 200);
      try {
        const body = JSON.parse(text) as { code?: number | string; message?: string };
        providerCode = body.code;
        if (typeof body.message === 'string') providerMessage = body.message;
      } catch {
        // Not JSON (a proxy's error page): keep the start of the text.
      }
      throw new SmsDeliveryError(`Twilio refused the message (HTTP ${response.status}${providerCode === undefined ? '' : `, code ${providerCode}`}): ${providerMessage}`, response.status, providerCode);
    },
  };
}
