import type { ReactNode } from 'react';
import type { Permission } from '../api/types';
import { ForbiddenPage } from '../pages/errors/forbidden-page';
import { useSession } from '../session/session-context';

export const RequirePermission = ({ permission, children }: { permission: Permission; children: ReactNode }) => {
  const { can } = useSession();
  return can(permission) ? children : <ForbiddenPage />;
};
