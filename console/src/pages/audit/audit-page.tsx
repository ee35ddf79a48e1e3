import { Card, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { AuditEntry, Page } from '../../api/types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { type AuditFilter, AuditFilters } from './audit-filters';
import { AuditTable } from './audit-table';
import { AuditVerify } from './audit-verify';

export const AuditPage = () => {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [paging, setPaging] = useState({ page: 1, pageSize: 50 });
  const { data, error, loading } = useApi(
    () => api.get<Page<AuditEntry>>('/api/audit', { ...filter, ...paging }),
    [JSON.stringify(filter), paging.page, paging.pageSize],
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('audit.title')}
      </Typography.Title>
      <Card size="small">
        <AuditFilters
          onChange={(next) => {
            setFilter(next);
            setPaging((p) => ({ ...p, page: 1 }));
          }}
        />
      </Card>
      <AuditVerify />
      <ErrorAlert error={error} />
      <AuditTable data={data} loading={loading} page={paging.page} pageSize={paging.pageSize} onPage={(page, pageSize) => setPaging({ page, pageSize })} />
    </Space>
  );
};
