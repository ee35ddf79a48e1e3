import { PlusOutlined } from '@ant-design/icons';
import { Button, Space, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { useSession } from '../../session/session-context';
import { CreateUserModal } from './create-user-modal';
import { ParkedEventsSection } from './parked-events-section';
import { RolesMatrix } from './roles-matrix';
import { UsersTable } from './users-table';

export const UsersPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const canManage = can('users:manage');
  const [creating, setCreating] = useState(false);
  const { data, error, loading, reload } = useApi(() => api.get<{ items: User[] }>('/api/users'), []);

  const usersTab = (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {canManage && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="user-create">
          {t('users.create')}
        </Button>
      )}
      <ErrorAlert error={error} />
      <UsersTable users={data?.items ?? []} loading={loading} canManage={canManage} onChanged={reload} />
    </Space>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('users.title')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'users', label: t('users.tabUsers'), children: usersTab },
          { key: 'roles', label: t('users.tabRoles'), children: <RolesMatrix /> },
          ...(canManage ? [{ key: 'parked', label: t('users.tabParked'), children: <ParkedEventsSection /> }] : []),
        ]}
      />
      {canManage && (
        <CreateUserModal
          open={creating}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            reload();
          }}
        />
      )}
    </Space>
  );
};
