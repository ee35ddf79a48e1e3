import { ArrowLeftOutlined, EditOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { Alert, App, Button, Result, Space, Spin, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../../api/client';
import type { CustomerProfile, Merge } from '../../api/identity-types';
import type { CustomerDetail } from '../../api/types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { useSession } from '../../session/session-context';
import { ScoresPanel } from '../intelligence/scores-panel';
import { CustomerTagsTab } from '../intelligence/tags-customer-tab';
import { CustomerTierHistory } from '../intelligence/tier-history';
import { LoyaltyMemberSection } from '../loyalty/loyalty-member';
import { CustomerFormModal } from './customer-form-modal';
import { CustomerMergeHistory } from './customer-merge-history';
import { CustomerNameText } from './customer-name-text';
import { CustomerOrdersTable } from './customer-orders-table';
import { CustomerOverview } from './customer-overview';
import { CustomerSourcesTable } from './customer-sources-table';
import { CustomerTimeline } from './customer-timeline';
import { MergeWithModal } from './merge-with-modal';

const TABS = ['overview', 'timeline', 'orders', 'scores', 'value', 'tags', 'loyalty', 'merges', 'sources'] as const;
type Tab = (typeof TABS)[number];

/** A profile remembers which id it was asked for, so a stale answer never triggers a redirect. */
type LoadedProfile = CustomerProfile & { requestedId: string };

const tabOf = (value: string | null): Tab => ((TABS as readonly string[]).includes(value ?? '') ? (value as Tab) : 'overview');

export const CustomerDetailPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  // Bumped after a merge or unmerge so the timeline and orders load again.
  const [version, setVersion] = useState(0);
  const path = `/api/customers/${encodeURIComponent(id)}`;
  const detail = useApi(() => api.get<{ customer: CustomerDetail }>(path), [id]);
  const profile = useApi(() => api.get<CustomerProfile>(`${path}/profile`).then((p): LoadedProfile => ({ ...p, requestedId: id })), [id]);
  const mergedFrom = (location.state as { mergedFrom?: string } | null)?.mergedFrom;
  const tab = tabOf(params.get('tab'));

  const current = profile.data?.requestedId === id ? profile.data : undefined;
  if (current && current.rootId !== id) {
    return <Navigate to={`/customers/${encodeURIComponent(current.rootId)}${location.search}`} replace state={{ mergedFrom: id }} />;
  }
  const notFound = (e: unknown) => e instanceof ApiError && e.code === 'customers.not_found';
  if (notFound(detail.error) || notFound(profile.error)) {
    return <Result status="404" title="404" subTitle={t('errors.customers.not_found')} />;
  }
  // Wait for the profile too: a merged record must redirect before its own data is shown.
  if ((detail.loading && !detail.data) || (!current && !profile.error)) return <Spin />;
  if (!detail.data) return <ErrorAlert error={detail.error} />;
  const customer = detail.data.customer;

  const reload = () => {
    detail.reload();
    profile.reload();
    setVersion((v) => v + 1);
  };

  const onMerged = (merge: Merge) => {
    setMerging(false);
    message.success(t('profile.merged'));
    if (merge.winnerId === id) reload();
    else navigate(`/customers/${encodeURIComponent(merge.winnerId)}`, { state: { mergedFrom: id } });
  };

  const label = (key: Tab, text: string) => <span data-testid={`tab-${key}`}>{text}</span>;
  const items = [
    { key: 'overview', label: label('overview', t('profile.tabOverview')), children: <CustomerOverview customer={customer} golden={current?.golden} /> },
    {
      key: 'timeline',
      label: label('timeline', t('profile.tabTimeline')),
      children: <CustomerTimeline key={version} customerId={customer.id} sources={current?.sources.map((s) => s.source) ?? []} />,
    },
    { key: 'orders', label: label('orders', t('profile.tabOrders')), children: <CustomerOrdersTable key={version} customerId={customer.id} /> },
    ...(can('intelligence:read')
      ? [{ key: 'scores', label: label('scores', t('scoring.tabOnProfile')), children: <ScoresPanel key={version} customerId={customer.id} /> }]
      : []),
    ...(can('intelligence:read')
      ? [{ key: 'value', label: label('value', t('segmentation.customer.tab')), children: <CustomerTierHistory key={version} customerId={customer.id} /> }]
      : []),
    { key: 'tags', label: label('tags', t('tags.tabOnProfile')), children: <CustomerTagsTab key={version} customerId={customer.id} /> },
    ...(can('loyalty:read')
      ? [{ key: 'loyalty', label: label('loyalty', t('loyalty.tabOnProfile')), children: <LoyaltyMemberSection key={version} customerId={customer.id} /> }]
      : []),
    {
      key: 'merges',
      label: label('merges', t('profile.tabMerges', { count: current?.merges.length ?? 0 })),
      children: current && <CustomerMergeHistory rootId={current.rootId} records={current.records} merges={current.merges} onChanged={reload} />,
    },
    { key: 'sources', label: label('sources', t('profile.tabSources')), children: current && <CustomerSourcesTable sources={current.sources} /> },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/customers">
        <ArrowLeftOutlined /> {t('customers.backToList')}
      </Link>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="customer-detail-name">
            <CustomerNameText customer={customer} />
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('customers.memberNo')}: {customer.memberNo ?? '—'}
          </Typography.Text>
        </div>
        <Space>
          {can('identity:merge') && (
            <Button icon={<MergeCellsOutlined />} onClick={() => setMerging(true)} data-testid="merge-with">
              {t('profile.mergeWith')}
            </Button>
          )}
          {can('customers:write') && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="customer-edit">
              {t('common.edit')}
            </Button>
          )}
        </Space>
      </div>
      {mergedFrom && mergedFrom !== id && (
        <Alert type="info" showIcon closable title={t('profile.mergedNotice', { id: mergedFrom })} data-testid="merged-notice" />
      )}
      {customer.masked && <Alert type="info" showIcon title={t('customers.maskedNotice')} data-testid="customer-masked" />}
      <ErrorAlert error={detail.error} />
      <ErrorAlert error={profile.error} />
      <Tabs
        activeKey={tab}
        onChange={(key) => {
          const next = new URLSearchParams(params);
          if (key === 'overview') next.delete('tab');
          else next.set('tab', key);
          // Keep the merge notice while switching tabs.
          setParams(next, { replace: true, state: location.state });
        }}
        items={items}
      />
      <CustomerFormModal
        open={editing}
        customer={customer}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          reload();
        }}
      />
      <MergeWithModal open={merging} customer={customer} onClose={() => setMerging(false)} onMerged={onMerged} />
    </Space>
  );
};
