import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { TIMELINE_KINDS, type TimelineCursor, type TimelineItem, type TimelineKind, type TimelinePage } from '../../api/identity-types';

export const TIMELINE_PAGE_SIZE = 50;

export interface TimelineFilter {
  kinds: readonly TimelineKind[];
  source: string | undefined;
}

export interface TimelineState {
  items: TimelineItem[];
  hasMore: boolean;
  loading: boolean;
  /** True once the first page for the current filter has arrived. */
  loaded: boolean;
  error: unknown;
  loadMore: () => void;
}

/** Keyset-paged timeline; a filter change starts again from the newest item. */
export const useTimeline = (customerId: string, filter: TimelineFilter): TimelineState => {
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [next, setNext] = useState<TimelineCursor | null>(null);
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>();
  // A filter change bumps the generation so late answers for the old filter are dropped.
  const generation = useRef(0);
  const inFlight = useRef(false);

  const kinds = filter.kinds.length === TIMELINE_KINDS.length ? undefined : filter.kinds.join(',');
  const source = filter.source;

  const fetchPage = useCallback(
    (cursor: TimelineCursor | null, append: boolean) => {
      const gen = generation.current;
      inFlight.current = true;
      setLoading(true);
      api
        .get<TimelinePage>(`/api/customers/${encodeURIComponent(customerId)}/timeline`, {
          kinds,
          source,
          beforeAt: cursor?.beforeAt,
          beforeId: cursor?.beforeId,
          limit: TIMELINE_PAGE_SIZE,
        })
        .then((page) => {
          if (gen !== generation.current) return;
          setItems((before) => (append ? [...before, ...page.items] : page.items));
          setNext(page.next);
          setError(undefined);
          setLoaded(true);
        })
        .catch((reason: unknown) => {
          if (gen === generation.current) setError(reason);
        })
        .finally(() => {
          if (gen !== generation.current) return;
          inFlight.current = false;
          setLoading(false);
        });
    },
    [customerId, kinds, source],
  );

  useEffect(() => {
    generation.current += 1;
    setItems([]);
    setNext(null);
    setLoaded(false);
    fetchPage(null, false);
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (!next || inFlight.current) return;
    fetchPage(next, true);
  }, [next, fetchPage]);

  return { items, hasMore: next !== null, loading, loaded, error, loadMore };
};
