import { App, Button, Select, Switch, Table, type TableColumnsType, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ROLES, type Role, type User, type UserStatus } from '../../api/types';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { ResetPasswordModal } from './reset-password-modal';

interface UsersTableProps {
  users: User[];
  loading: boolean;
  canManage: boolean;
  onChanged: () => void;
}

export const UsersTable = ({ users, loading, canManage, onChanged }: UsersTableProps) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busyId, setBusyId] = useState<string>();
  const [resetting, setResetting] = useState<User>();

  const patch = async (user: User, body: { role?: Role; status?: UserStatus }) => {
    setBusyId(user.id);
    try {
      await api.patch<{ user: User }>(`/api/users/${encodeURIComponent(user.id)}`, body);
      message.success(t('users.updated'));
    } catch (error) {
      message.error(errorMessage(t, error));
    } finally {
      setBusyId(undefined);
      onChanged();
    }
  };

  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));

  const columns: TableColumnsType<User> = [
    { title: t('users.displayName'), dataIndex: 'displayName' },
    { title: t('users.email'), dataIndex: 'email' },
    {
      title: t('users.role'),
      dataIndex: 'role',
      render: (role: Role, user) =>
        canManage ? (
          <Select<Role>
            value={role}
            options={roleOptions}
            style={{ minWidth: 140 }}
            disabled={busyId === user.id}
            onChange={(next) => patch(user, { role: next })}
            data-testid={`user-role-${user.id}`}
          />
        ) : (
          <Tag>{t(`roles.${role}`, { defaultValue: role })}</Tag>
        ),
    },
    {
      title: t('users.status'),
      dataIndex: 'status',
      render: (status: UserStatus, user) =>
        canManage ? (
          <Switch
            checked={status === 'active'}
            loading={busyId === user.id}
            checkedChildren={t('userStatus.active')}
            unCheckedChildren={t('userStatus.disabled')}
            onChange={(active) => patch(user, { status: active ? 'active' : 'disabled' })}
            data-testid={`user-status-${user.id}`}
          />
        ) : (
          <Tag color={status === 'active' ? 'green' : 'default'}>{t(`userStatus.${status}`, { defaultValue: status })}</Tag>
        ),
    },
    { title: t('users.lastLoginAt'), dataIndex: 'lastLoginAt', render: formatDateTime },
    { title: t('users.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, user) => (
        <Button size="small" onClick={() => setResetting(user)} data-testid={`user-reset-password-${user.id}`}>
          {t('users.resetPassword')}
        </Button>
      ),
    });
  }

  return (
    <>
      <Table<User>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={users}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="users-table"
      />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(undefined)} />
    </>
  );
};
