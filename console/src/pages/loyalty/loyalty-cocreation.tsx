import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { FormModal } from '../../components/form-modal';
import { formatDate, formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { type Cocreation, INVITATION_TRANSITIONS, type Invitation, type InvitationStatus, loyaltyApi, tierLabel } from './loyalty-api';

const KINDS = ['product_test', 'event', 'interview'] as const;
const STATUS_COLORS: Record<InvitationStatus, string> = { invited: 'default', signed_up: 'blue', participated: 'green', declined: 'red' };

type CocreationForm = {
  title: string;
  kind: Cocreation['kind'];
  description?: string;
  startsAt?: Dayjs | null;
  capacity?: number | null;
  inviteCount?: number;
};

/** Creates a programme (inviting the top close friends), or edits one (`cocreation` given). */
const CocreationModal = ({ open, cocreation, onClose }: { open: boolean; cocreation?: Cocreation; onClose: (changed: boolean) => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CocreationForm>();
  const save = async ({ startsAt, inviteCount, ...v }: CocreationForm) => {
    const body = { ...v, description: v.description ?? '', startsAt: startsAt ? startsAt.toISOString() : null, capacity: v.capacity ?? null };
    if (cocreation) {
      await loyaltyApi.updateCocreation(cocreation.id, body);
      message.success(t('loyalty.cocreation.saved'));
    } else {
      const r = await loyaltyApi.createCocreation({ ...body, inviteTier: 'close_friend', inviteCount: inviteCount ?? 0 });
      message.success(t('loyalty.cocreation.invited', { count: r.invited }));
    }
  };
  const initial: Partial<CocreationForm> = cocreation
    ? {
        title: cocreation.title,
        kind: cocreation.kind,
        description: cocreation.description,
        startsAt: cocreation.startsAt ? dayjs(cocreation.startsAt) : null,
        capacity: cocreation.capacity,
      }
    : { kind: 'product_test', inviteCount: 20 };
  return (
    <FormModal
      open={open}
      title={cocreation ? t('loyalty.cocreation.edit', { title: cocreation.title }) : t('loyalty.cocreation.create')}
      form={form}
      initialValues={initial}
      preserve={false}
      onSave={save}
      onClose={onClose}
      fieldErrors={['title', 'capacity', 'description']}
    >
      <Form.Item name="title" label={t('loyalty.cocreation.title')} rules={[{ required: true }]}>
        <Input maxLength={120} data-testid="cocreation-title" />
      </Form.Item>
      <Form.Item name="kind" label={t('loyalty.cocreation.kind')}>
        <Select options={KINDS.map((k) => ({ value: k, label: t(`loyalty.cocreationKinds.${k}`) }))} />
      </Form.Item>
      <Form.Item name="description" label={t('loyalty.cocreation.description')}>
        <Input.TextArea rows={3} maxLength={2000} />
      </Form.Item>
      <Space align="start">
        <Form.Item name="startsAt" label={t('loyalty.cocreation.startsAt')}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Form.Item name="capacity" label={t('loyalty.cocreation.capacity')} extra={t('loyalty.cocreation.capacityHelp')}>
          <InputNumber min={1} max={100_000} precision={0} data-testid="cocreation-capacity" />
        </Form.Item>
      </Space>
      {!cocreation && (
        <Form.Item name="inviteCount" label={t('loyalty.cocreation.inviteCount')} extra={t('loyalty.cocreation.inviteHelp')}>
          <InputNumber min={0} max={10000} precision={0} />
        </Form.Item>
      )}
    </FormModal>
  );
};

/** A programme's invitations; each moves invited → signed up → participated, or declined. */
const Invitations = ({ cocreation, onChanged }: { cocreation: Cocreation; onChanged: () => void }) => {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const { data, error, loading, reload } = useApi(() => loyaltyApi.invitations(cocreation.id), [cocreation.id]);
  const settings = useApi(() => loyaltyApi.settings(), []);
  const [busy, setBusy] = useState<string>();
  const change = async (inv: Invitation, status: InvitationStatus) => {
    setBusy(inv.customerId);
    try {
      await loyaltyApi.setInvitation(cocreation.id, inv.customerId, status);
      message.success(t('loyalty.cocreation.statusChanged', { memberNo: inv.memberNo, status: t(`loyalty.invitationStatus.${status}`) }));
      reload();
      onChanged();
    } catch (reason) {
      message.error(errorMessage(t, reason));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <ErrorAlert error={error} />
      {cocreation.description && <div style={{ whiteSpace: 'pre-wrap' }}>{cocreation.description}</div>}
      <Table
        rowKey="customerId"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid={`invitations-${cocreation.id}`}
        columns={[
          { title: t('loyalty.cocreation.memberNo'), dataIndex: 'memberNo' },
          { title: t('loyalty.cocreation.tier'), dataIndex: 'tier', render: (c: string) => tierLabel(settings.data?.settings.tiers, c, i18n.language) },
          { title: t('loyalty.cocreation.growth'), dataIndex: 'growth' },
          {
            title: t('loyalty.cocreation.status'),
            key: 'status',
            render: (_: unknown, inv: Invitation) =>
              can('loyalty:write') ? (
                <Select
                  size="small"
                  style={{ width: 150 }}
                  value={inv.status}
                  loading={busy === inv.customerId}
                  disabled={busy !== undefined}
                  onChange={(s: InvitationStatus) => change(inv, s).catch(() => undefined)}
                  data-testid={`invitation-status-${inv.memberNo}`}
                  options={[inv.status, ...INVITATION_TRANSITIONS[inv.status]].map((s) => ({ value: s, label: t(`loyalty.invitationStatus.${s}`) }))}
                />
              ) : (
                <Tag color={STATUS_COLORS[inv.status]}>{t(`loyalty.invitationStatus.${inv.status}`)}</Tag>
              ),
          },
          { title: t('loyalty.cocreation.updatedAt'), dataIndex: 'updatedAt', render: formatDateTime },
        ]}
      />
    </Space>
  );
};

export const LoyaltyCocreationTab = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const { data, error, loading, reload } = useApi(() => loyaltyApi.cocreations(), []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Cocreation>();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ErrorAlert error={error} />
      {can('loyalty:write') && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="cocreation-create">
          {t('loyalty.cocreation.create')}
        </Button>
      )}
      <Table
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        data-testid="cocreations-table"
        expandable={{ expandedRowRender: (c: Cocreation) => <Invitations cocreation={c} onChanged={reload} /> }}
        columns={[
          { title: t('loyalty.cocreation.title'), dataIndex: 'title' },
          { title: t('loyalty.cocreation.kind'), dataIndex: 'kind', render: (k: string) => t(`loyalty.cocreationKinds.${k}`) },
          { title: t('loyalty.cocreation.startsAt'), dataIndex: 'startsAt', render: formatDate },
          {
            title: t('loyalty.cocreation.invitedCol'),
            key: 'i',
            render: (_: unknown, c: Cocreation) => c.counts.invited + c.counts.signed_up + c.counts.participated + c.counts.declined,
          },
          {
            title: t('loyalty.cocreation.signedUp'),
            key: 's',
            render: (_: unknown, c: Cocreation) => {
              const n = c.counts.signed_up + c.counts.participated;
              return c.capacity ? `${n} / ${c.capacity}` : n;
            },
          },
          { title: t('loyalty.cocreation.participated'), key: 'p', render: (_: unknown, c: Cocreation) => c.counts.participated },
          { title: t('loyalty.cocreation.declined'), key: 'd', render: (_: unknown, c: Cocreation) => c.counts.declined },
          {
            title: '',
            key: 'actions',
            render: (_: unknown, c: Cocreation) =>
              can('loyalty:write') && (
                <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(c)} data-testid={`cocreation-edit-${c.id}`}>
                  {t('loyalty.cocreation.editShort')}
                </Button>
              ),
          },
        ]}
      />
      <CocreationModal
        open={creating || Boolean(editing)}
        cocreation={editing}
        key={editing?.id ?? 'new'}
        onClose={(changed) => {
          setCreating(false);
          setEditing(undefined);
          if (changed) reload();
        }}
      />
    </Space>
  );
};
