import { createContext, useContext } from 'react';
import type { Locale, Me, Permission } from '../api/types';

export interface SessionValue {
  /** `undefined` while the session probe is running, `null` when nobody is logged in. */
  me: Me | null | undefined;
  /** True after an explicit logout, so the login page is not given a `?next=` of the old page. */
  loggedOut: boolean;
  login: (email: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
  can: (permission: Permission) => boolean;
  changeLocale: (locale: Locale) => Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export const useSession = (): SessionValue => {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
};
