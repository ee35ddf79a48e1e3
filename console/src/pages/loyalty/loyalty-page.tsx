import { Space, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { LoyaltyApprovalsTab } from './loyalty-approvals';
import { LoyaltyBenefitsTab } from './loyalty-benefits';
import { LoyaltyCocreationTab } from './loyalty-cocreation';
import { LoyaltyMembersTab } from './loyalty-member';
import { LoyaltyOverviewTab } from './loyalty-overview';
import { LoyaltySettingsTab } from './loyalty-settings';

const TABS = ['overview', 'members', 'benefits', 'approvals', 'cocreation', 'settings'] as const;

export const LoyaltyPage = () => {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((k) => k === params.get('tab')) ?? 'overview';
  const content = {
    overview: <LoyaltyOverviewTab />,
    members: <LoyaltyMembersTab />,
    benefits: <LoyaltyBenefitsTab />,
    approvals: <LoyaltyApprovalsTab />,
    cocreation: <LoyaltyCocreationTab />,
    settings: <LoyaltySettingsTab />,
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('loyalty.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('loyalty.intro')}</Typography.Text>
      </div>
      <Tabs
        activeKey={tab}
        destroyOnHidden
        onChange={(key) => setParams(key === 'overview' ? {} : { tab: key }, { replace: true })}
        items={TABS.map((key) => ({ key, label: <span data-testid={`loyalty-tab-${key}`}>{t(`loyalty.tabs.${key}`)}</span>, children: content[key] }))}
      />
    </Space>
  );
};
