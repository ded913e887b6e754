import { api } from '../../api/client';

/** O1: an application that signs its users in through Tessera (an OpenID Connect client). */
export interface Application {
  id: string;
  clientId: string;
  name: string;
  type: 'confidential' | 'public';
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApplicationInput {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
}

export async function listApplications(): Promise<Application[]> {
  return (await api.get<{ applications: Application[] }>('/api/v1/organization/applications')).applications;
}

export function createApplication(input: ApplicationInput & { type: Application['type'] }) {
  return api.post<{ id: string; clientId: string; clientSecret?: string }>('/api/v1/organization/applications', input);
}

export function updateApplication(id: string, input: ApplicationInput) {
  return api.patch<Application>(`/api/v1/organization/applications/${encodeURIComponent(id)}`, input);
}

export function replaceSecret(id: string) {
  return api.post<{ clientSecret: string }>(`/api/v1/organization/applications/${encodeURIComponent(id)}/secret`);
}

export function deleteApplication(id: string) {
  return api.delete(`/api/v1/organization/applications/${encodeURIComponent(id)}`);
}

/** One address per line, blank lines ignored. */
export function parseUriLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Mirrors the server's rule (src/core/application-uris.ts) so mistakes show before sending. */
export function uriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `“${uri}” is not a full address (it must start with https://).`;
  }
  const isLoopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback)) return `“${uri}” must start with https:// (http:// only for localhost).`;
  if (uri.includes('#')) return `“${uri}” must not contain #.`;
  return undefined;
}
