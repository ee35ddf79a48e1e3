import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Radio, Row, Space, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { FormModal } from '../../components/form-modal';
import { formatDate, formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { loyaltyApi, type Movement, newKey, tierLabel } from './loyalty-api';

type PointsForm = { direction: 'grant' | 'redeem'; points: number; reason: string };

const PointsModal = ({ customerId, open, onClose }: { customerId: string; open: boolean; onClose: (changed: boolean) => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PointsForm>();
  const [key] = useState(newKey);
  const save = async (v: PointsForm) => {
    await loyaltyApi.points(customerId, { ...v, idempotencyKey: key });
    message.success(t('loyalty.member.pointsSaved'));
  };
  return (
    <FormModal open={open} title={t('loyalty.member.adjust')} form={form} initialValues={{ direction: 'grant' }} onSave={save} onClose={onClose}>
      <Form.Item name="direction" label={t('loyalty.member.direction')}>
        <Radio.Group
          options={[
            { value: 'grant', label: t('loyalty.member.grant') },
            { value: 'redeem', label: t('loyalty.member.redeem') },
          ]}
        />
      </Form.Item>
      <Form.Item name="points" label={t('loyalty.member.points')} rules={[{ required: true }]}>
        <InputNumber min={1} precision={0} style={{ width: '100%' }} data-testid="points-input" />
      </Form.Item>
      <Form.Item name="reason" label={t('loyalty.member.reason')} rules={[{ required: true }]}>
        <Input maxLength={200} data-testid="points-reason" />
      </Form.Item>
    </FormModal>
  );
};

const lines = (m: Movement) => m.lines.map((l) => `${l.account} ${l.delta > 0 ? '+' : ''}${l.delta}`).join(' · ');

/** A member's loyalty: tier, growth value, balance, lots with expiry dates, the full ledger. Also shown on the 360° page. */
export const LoyaltyMemberSection = ({ customerId }: { customerId: string }) => {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const detail = useApi(() => loyaltyApi.member(customerId), [customerId]);
  const settings = useApi(() => loyaltyApi.settings(), []);
  const [adjusting, setAdjusting] = useState(false);
  const tiers = settings.data?.settings.tiers;
  if (detail.loading && !detail.data) return <Spin />;
  const d = detail.data;
  if (!d) return <ErrorAlert error={detail.error} />;
  const enrol = async () => {
    try {
      await loyaltyApi.enrol(customerId);
      detail.reload();
    } catch (reason) {
      message.error(errorMessage(t, reason));
    }
  };
  if (!d.member) {
    return (
      <Alert
        type="info"
        showIcon
        title={t('loyalty.member.notMember')}
        action={
          can('loyalty:write') && (
            <Button onClick={() => enrol().catch(() => undefined)} data-testid="loyalty-enrol">
              {t('loyalty.member.enrol')}
            </Button>
          )
        }
      />
    );
  }
  const m = d.member;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="loyalty-member">
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('loyalty.member.balance')} value={d.balances.member} data-testid="loyalty-balance" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('loyalty.member.tier')} value={tierLabel(tiers, m.tier, i18n.language)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('loyalty.member.growth')} value={m.windowGrowth} suffix={<Typography.Text type="secondary">/ {m.growth}</Typography.Text>} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('loyalty.member.pendingDebt')}
              value={d.balances.pending}
              suffix={d.balances.debt < 0 ? <Typography.Text type="danger">/ −{-d.balances.debt}</Typography.Text> : undefined}
            />
          </Card>
        </Col>
      </Row>
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={t('loyalty.member.memberNo')}>{m.memberNo}</Descriptions.Item>
        <Descriptions.Item label={t('loyalty.member.enrolledAt')}>{formatDate(m.enrolledAt)}</Descriptions.Item>
        <Descriptions.Item label={t('loyalty.member.graceUntil')}>{m.graceUntil ? formatDate(m.graceUntil) : '—'}</Descriptions.Item>
      </Descriptions>
      {can('loyalty:write') && (
        <Button onClick={() => setAdjusting(true)} data-testid="loyalty-adjust">
          {t('loyalty.member.adjust')}
        </Button>
      )}
      <Card size="small" title={t('loyalty.member.lots')}>
        <Table
          size="small"
          rowKey="id"
          pagination={{ pageSize: 5 }}
          dataSource={d.lots.filter((l) => l.remaining > 0)}
          columns={[
            { title: t('loyalty.member.earnedAt'), dataIndex: 'earnedAt', render: formatDate },
            { title: t('loyalty.member.points'), dataIndex: 'points' },
            { title: t('loyalty.member.remaining'), dataIndex: 'remaining' },
            { title: t('loyalty.member.expiresAt'), dataIndex: 'expiresAt', render: (v: string | null) => (v ? formatDate(v) : t('loyalty.member.never')) },
          ]}
        />
      </Card>
      <Card size="small" title={t('loyalty.member.ledger')}>
        <Table
          size="small"
          rowKey="id"
          pagination={{ pageSize: 10 }}
          dataSource={d.ledger}
          data-testid="loyalty-ledger"
          columns={[
            { title: t('loyalty.member.at'), dataIndex: 'createdAt', render: formatDateTime },
            { title: t('loyalty.member.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`loyalty.kinds.${k}`, { defaultValue: k })}</Tag> },
            { title: t('loyalty.member.points'), dataIndex: 'points' },
            { title: t('loyalty.member.reason'), dataIndex: 'reason' },
            {
              title: t('loyalty.member.entries'),
              key: 'lines',
              render: (_: unknown, r: Movement) => <Typography.Text type="secondary">{lines(r)}</Typography.Text>,
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('loyalty.member.redemptions')}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={d.redemptions}
          columns={[
            { title: t('loyalty.member.at'), dataIndex: 'createdAt', render: formatDateTime },
            { title: t('loyalty.benefits.name'), dataIndex: 'benefitName' },
            { title: t('loyalty.benefits.code'), dataIndex: 'code', render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
            { title: t('loyalty.member.points'), dataIndex: 'points' },
          ]}
        />
      </Card>
      <PointsModal
        open={adjusting}
        customerId={customerId}
        onClose={(changed) => {
          setAdjusting(false);
          if (changed) detail.reload();
        }}
      />
    </Space>
  );
};

export const LoyaltyMembersTab = () => {
  const { t } = useTranslation();
  const [customerId, setCustomerId] = useState('');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Input.Search
        placeholder={t('loyalty.member.lookup')}
        enterButton
        onSearch={(v) => setCustomerId(v.trim())}
        style={{ maxWidth: 480 }}
        data-testid="loyalty-member-search"
      />
      {customerId && <LoyaltyMemberSection key={customerId} customerId={customerId} />}
    </Space>
  );
};
