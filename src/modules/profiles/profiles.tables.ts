import type { TimelineKind } from './profiles.shared.ts';

export type { TimelineKind } from './profiles.shared.ts';

/** The 360° timeline view (migration 0003): every channel's records, one row each. */
export interface ProfileTimelineView {
  root_id: string;
  customer_id: string;
  kind: TimelineKind;
  id: string;
  at: Date;
  source: string;
  title: string;
  subtype: string | null;
  amount_fen: number | null;
  detail: Record<string, unknown>;
}

export interface ProfilesTables {
  profile_timeline: ProfileTimelineView;
}
