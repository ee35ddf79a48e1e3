import { Space } from 'antd';
import { CustomerRecommendations } from './recommendations-customer-list';
import { CustomerTagsSection } from './tags-customer-section';

/** The 360° page's "tags & next products" tab. */
export const CustomerTagsTab = ({ customerId }: { customerId: string }) => (
  <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
    <CustomerTagsSection customerId={customerId} />
    <CustomerRecommendations customerId={customerId} />
  </Space>
);
