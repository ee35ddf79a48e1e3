import { CheckOutlined } from '@ant-design/icons';
import { Table, type TableColumnsType, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Permission, RoleMatrix } from '../../api/types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';

interface MatrixRow {
  permission: Permission;
  granted: Set<string>;
}

export const RolesMatrix = () => {
  const { t } = useTranslation();
  const { data, error, loading } = useApi(() => api.get<RoleMatrix>('/api/roles'), []);
  const roles = data?.roles ?? [];
  const rows: MatrixRow[] = (data?.permissions ?? []).map((permission) => ({
    permission,
    granted: new Set(roles.filter((r) => r.permissions.includes(permission)).map((r) => r.role)),
  }));

  const columns: TableColumnsType<MatrixRow> = [
    {
      title: t('users.permission'),
      dataIndex: 'permission',
      fixed: 'left',
      render: (permission: Permission) => (
        <span>
          {t(`permissions.${permission}`, { defaultValue: permission })}{' '}
          <Typography.Text type="secondary" code>
            {permission}
          </Typography.Text>
        </span>
      ),
    },
    ...roles.map(({ role }) => ({
      title: t(`roles.${role}`, { defaultValue: role }),
      key: role,
      align: 'center' as const,
      render: (_: unknown, row: MatrixRow) => (row.granted.has(role) ? <CheckOutlined style={{ color: '#389e0d' }} aria-label={t('users.granted')} /> : null),
    })),
  ];

  return (
    <>
      <ErrorAlert error={error} />
      <Table<MatrixRow>
        data-testid="roles-matrix"
        size="small"
        rowKey="permission"
        loading={loading}
        pagination={false}
        columns={columns}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
      />
    </>
  );
};
