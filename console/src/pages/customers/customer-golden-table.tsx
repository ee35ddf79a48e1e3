import { Card, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { GOLDEN_FIELDS, type GoldenValue } from '../../api/identity-types';
import { formatDateTime } from '../../format/date';
import { goldenFieldLabel, goldenValueText, survivorshipLabel } from './profile-labels';

/** The golden record: each surviving value with where it came from and which rule chose it. */
export const CustomerGoldenTable = ({ golden }: { golden: GoldenValue[] }) => {
  const { t } = useTranslation();
  // Named fields first, in their usual order, then attributes as the server sorted them.
  const rank = (field: string) => {
    const i = (GOLDEN_FIELDS as readonly string[]).indexOf(field);
    return i === -1 ? GOLDEN_FIELDS.length : i;
  };
  const rows = [...golden].sort((a, b) => rank(a.field) - rank(b.field));
  return (
    <Card
      title={t('profile.goldenTitle')}
      size="small"
      data-testid="golden-record"
      extra={<Typography.Text type="secondary">{t('profile.goldenHint')}</Typography.Text>}
    >
      <Table<GoldenValue>
        size="small"
        pagination={false}
        rowKey="field"
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('profile.field'), dataIndex: 'field', render: (field: string) => goldenFieldLabel(t, field) },
          {
            title: t('profile.value'),
            dataIndex: 'value',
            render: (value: string, row) => <Typography.Text strong>{goldenValueText(row.field, value)}</Typography.Text>,
          },
          { title: t('profile.source'), dataIndex: 'source', render: (source: string) => <Tag>{source}</Tag> },
          { title: t('profile.rule'), dataIndex: 'rule', render: (rule: string) => survivorshipLabel(t, rule) },
          { title: t('profile.lastSeenAt'), dataIndex: 'lastSeenAt', render: formatDateTime },
          {
            title: t('profile.candidates'),
            dataIndex: 'candidates',
            align: 'right',
            render: (count: number) =>
              count > 1 ? (
                <Tooltip title={t('profile.candidatesHint', { count })}>
                  <Tag color="orange">{count}</Tag>
                </Tooltip>
              ) : (
                count
              ),
          },
        ]}
      />
    </Card>
  );
};
