import { Button, Empty, Select, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TIMELINE_KINDS, type TimelineKind } from '../../api/identity-types';
import { ErrorAlert } from '../../components/error-alert';
import { timelineKindLabel } from './profile-labels';
import { KIND_COLOR, KIND_ICON } from './timeline-kinds';
import { TimelineRow } from './timeline-row';
import { useInView } from './use-in-view';
import { useTimeline } from './use-timeline';

/** How close (px) the list end may come before the next page loads. */
const SENTINEL_MARGIN = 200;

interface CustomerTimelineProps {
  customerId: string;
  /** Source names offered in the source filter (from the profile's data sources). */
  sources: readonly string[];
}

export const CustomerTimeline = ({ customerId, sources }: CustomerTimelineProps) => {
  const { t } = useTranslation();
  const [kinds, setKinds] = useState<TimelineKind[]>([...TIMELINE_KINDS]);
  const [source, setSource] = useState<string>();
  const { items, hasMore, loading, loaded, error, loadMore } = useTimeline(customerId, { kinds, source });
  const sentinel = useRef<HTMLDivElement>(null);
  const sentinelVisible = useInView(sentinel, `${SENTINEL_MARGIN}px`);

  // Also re-checked after each page: a short page can leave the sentinel on screen. The observer
  // reports a page that pushed the sentinel away only after this runs, so measure it here too.
  useEffect(() => {
    if (!sentinelVisible || !hasMore || loading || error) return;
    const top = sentinel.current?.getBoundingClientRect().top ?? 0;
    if (top <= window.innerHeight + SENTINEL_MARGIN) loadMore();
  }, [sentinelVisible, hasMore, loading, error, loadMore]);

  const toggleKind = (kind: TimelineKind, checked: boolean) => {
    const chosen = checked ? [...kinds, kind] : kinds.filter((k) => k !== kind);
    // At least one kind stays selected; keep the canonical order for a stable query.
    if (chosen.length > 0) setKinds(TIMELINE_KINDS.filter((k) => chosen.includes(k)));
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="timeline">
      <Space wrap size={[8, 8]}>
        <Typography.Text type="secondary">{t('profile.filterKinds')}</Typography.Text>
        {TIMELINE_KINDS.map((kind) => (
          <Tag.CheckableTag
            key={kind}
            icon={KIND_ICON[kind]}
            checked={kinds.includes(kind)}
            onChange={(checked) => toggleKind(kind, checked)}
            data-testid={`timeline-filter-${kind}`}
            aria-pressed={kinds.includes(kind)}
          >
            {timelineKindLabel(t, kind)}
          </Tag.CheckableTag>
        ))}
        <Select
          allowClear
          value={source}
          onChange={(value?: string) => setSource(value)}
          placeholder={t('profile.allSources')}
          options={[...new Set(sources)].map((s) => ({ value: s, label: s }))}
          style={{ minWidth: 180 }}
          data-testid="timeline-filter-source"
        />
      </Space>
      <ErrorAlert error={error} />
      {loaded && items.length === 0 ? (
        <Empty description={t('profile.timelineEmpty')} />
      ) : (
        <Timeline
          items={items.map((item) => ({
            key: `${item.kind}:${item.id}`,
            icon: KIND_ICON[item.kind],
            color: KIND_COLOR[item.kind],
            content: <TimelineRow item={item} rootId={customerId} />,
          }))}
        />
      )}
      <div ref={sentinel} data-testid="timeline-sentinel" style={{ minHeight: 1, textAlign: 'center' }}>
        {loading && <Spin />}
        {!loading && hasMore && (
          <Button onClick={loadMore} data-testid="timeline-more">
            {t('profile.loadMore')}
          </Button>
        )}
        {loaded && !hasMore && items.length > 0 && <Typography.Text type="secondary">{t('profile.timelineEnd')}</Typography.Text>}
      </div>
    </Space>
  );
};
