// Kinds and shapes of the 360° profile that the console shares (dates as the server holds them; the console
// maps them to JSON strings). No imports: the console bundles this file.

export const TIMELINE_KINDS = ['event', 'order', 'refund', 'ticket', 'message'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export type TimelineItem = {
  kind: TimelineKind;
  id: string;
  at: Date;
  source: string;
  title: string;
  subtype: string | null;
  amountFen: number | null;
  detail: Record<string, unknown>;
  /** The merged record the item belongs to (the root itself when not merged). */
  recordId: string;
};
