import { Button, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineItem } from '../../api/identity-types';
import { formatDateTime } from '../../format/date';
import { formatFen } from '../../format/money';
import { timelineKindLabel } from './profile-labels';
import { KIND_COLOR } from './timeline-kinds';

interface TimelineRowProps {
  item: TimelineItem;
  /** The customer shown; items of merged records say which record they came from. */
  rootId: string;
}

export const TimelineRow = ({ item, rootId }: TimelineRowProps) => {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const showAmount = (item.kind === 'order' || item.kind === 'refund') && item.amountFen !== null;
  const subtype = item.subtype && item.kind === 'order' ? t(`orderStatus.${item.subtype}`, { defaultValue: item.subtype }) : item.subtype;

  return (
    <div data-testid="timeline-item" data-kind={item.kind}>
      <Space wrap size={[8, 4]}>
        <Typography.Text type="secondary">{formatDateTime(item.at)}</Typography.Text>
        <Tag color={KIND_COLOR[item.kind]}>{timelineKindLabel(t, item.kind)}</Tag>
        <Tag>{item.source}</Tag>
        <Typography.Text strong>{item.title}</Typography.Text>
        {subtype && <Typography.Text type="secondary">{subtype}</Typography.Text>}
        {showAmount && (
          <Typography.Text strong type={item.kind === 'refund' ? 'danger' : undefined} data-testid="timeline-amount">
            {formatFen(item.amountFen)}
          </Typography.Text>
        )}
        {item.recordId !== rootId && (
          <Tooltip title={t('profile.fromRecordHint')}>
            <Tag color="default">{t('profile.fromRecord', { id: item.recordId })}</Tag>
          </Tooltip>
        )}
        <Button type="link" size="small" onClick={() => setOpen((v) => !v)} aria-expanded={open} data-testid="timeline-item-toggle">
          {open ? t('profile.hideDetail') : t('profile.showDetail')}
        </Button>
      </Space>
      {open && (
        <pre
          data-testid="timeline-item-detail"
          style={{
            margin: '8px 0 0',
            padding: 8,
            background: 'rgba(0,0,0,0.03)',
            borderRadius: 6,
            fontSize: 12,
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-all',
          }}
        >
          {JSON.stringify(item.detail, null, 2)}
        </pre>
      )}
    </div>
  );
};
