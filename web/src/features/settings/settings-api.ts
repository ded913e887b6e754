import { api } from '../../api/client';

export interface AccountSession {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
}

export const updateName = (name: string) => api.patch<unknown>('/api/v1/me', { name });

export const changePassword = (currentPassword: string, newPassword: string) =>
  api.post('/api/v1/me/password', { currentPassword, newPassword });

export const listSessions = () => api.get<{ sessions: AccountSession[] }>('/api/v1/me/sessions');

export const endSession = (id: string) => api.delete(`/api/v1/me/sessions/${encodeURIComponent(id)}`);
