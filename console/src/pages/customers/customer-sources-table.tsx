import { Card, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ProfileSource } from '../../api/identity-types';
import { formatDateTime } from '../../format/date';
import { timelineKindLabel } from './profile-labels';

/** Which systems sent data about this customer, and how much of each kind. */
export const CustomerSourcesTable = ({ sources }: { sources: ProfileSource[] }) => {
  const { t } = useTranslation();
  return (
    <Card title={t('profile.sourcesTitle')} size="small" data-testid="profile-sources">
      <Table<ProfileSource>
        size="small"
        pagination={false}
        rowKey={(row) => `${row.source}:${row.kind}`}
        dataSource={sources}
        columns={[
          { title: t('profile.source'), dataIndex: 'source', render: (source: string) => <Tag>{source}</Tag> },
          { title: t('profile.kind'), dataIndex: 'kind', render: (kind: string) => timelineKindLabel(t, kind) },
          { title: t('profile.count'), dataIndex: 'count', align: 'right' },
          { title: t('profile.lastAt'), dataIndex: 'lastAt', render: formatDateTime },
        ]}
      />
    </Card>
  );
};
