// Builds the provider for a server: its signing keys from the database (the first one generated
// on first start, O2), then the configured oidc-provider instance.
import type Provider from 'oidc-provider';
import type { AppContext } from '../services/context.js';
import { createOidcProvider } from './provider.js';
import { loadSigningKeys } from './signing-keys.js';

export async function startOidcProvider(context: AppContext): Promise<Provider> {
  const keys = await loadSigningKeys(context, context.clock.now().getTime());
  return createOidcProvider(context, { keys });
}
