import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, apiRequest } from '../api/client';
import type { Locale, Me, Permission } from '../api/types';
import { applyLocale } from '../i18n';
import { SessionContext, type SessionValue } from './session-context';

interface MeResponse {
  user: Me;
}

/** The user's saved language wins over the browser's once we know who is logged in. */
const adoptUserLocale = async (me: Me): Promise<void> => {
  if (me.locale) await applyLocale(me.locale);
};

export const SessionProvider = ({ children }: { children: ReactNode }) => {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [loggedOut, setLoggedOut] = useState(false);

  useEffect(() => {
    let cancelled = false;
    apiRequest<MeResponse>('/api/auth/me', { redirectOnUnauthenticated: false })
      .then(async ({ user }) => {
        await adoptUserLocale(user);
        if (!cancelled) setMe(user);
      })
      .catch((error: unknown) => {
        if (!cancelled) setMe(null);
        if (!(error instanceof ApiError && error.status === 401)) console.error(error);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  const login = useCallback(async (email: string, password: string) => {
    const { user } = await api.post<MeResponse>('/api/auth/login', { email, password });
    await adoptUserLocale(user);
    setLoggedOut(false);
    setMe(user);
    return user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post<{ ok: boolean }>('/api/auth/logout');
    } finally {
      setLoggedOut(true);
      setMe(null);
    }
  }, []);

  const changeLocale = useCallback(
    async (locale: Locale) => {
      await applyLocale(locale);
      if (!me) return;
      const { user } = await api.patch<MeResponse>('/api/auth/me', { locale });
      setMe(user);
    },
    [me],
  );

  const value = useMemo<SessionValue>(
    () => ({
      me,
      loggedOut,
      login,
      logout,
      changeLocale,
      can: (permission: Permission) => Boolean(me?.permissions.includes(permission)),
    }),
    [me, loggedOut, login, logout, changeLocale],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
};
