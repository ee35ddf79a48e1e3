// Statuses and shapes of loyalty that the console shares (dates as the server holds them; the console maps
// them to JSON strings). No imports: the console bundles this file.

export type GrantStatus = 'pending_approval' | 'approved' | 'rejected' | 'running' | 'done';
export type InvitationStatus = 'invited' | 'signed_up' | 'participated' | 'declined';

/** Where an invitation may go next: invited → signed up → participated (a walk-in straight from invited), or declined; a mistake can be stepped back. */
export const INVITATION_TRANSITIONS: Record<InvitationStatus, InvitationStatus[]> = {
  invited: ['signed_up', 'participated', 'declined'],
  signed_up: ['participated', 'declined', 'invited'],
  participated: ['signed_up'],
  declined: ['invited', 'signed_up'],
};

export type Benefit = {
  id: string;
  name: string;
  provider: 'own' | 'partner';
  partnerName: string | null;
  pointsPrice: number;
  minTier: string | null;
  stockTotal: number;
  stockLeft: number;
  validFrom: Date | null;
  validUntil: Date | null;
  terms: string;
  active: boolean;
};

export type BulkGrant = {
  id: string;
  title: string;
  reason: string;
  pointsEach: number;
  targetCount: number;
  totalPoints: number;
  status: GrantStatus;
  needsApproval: boolean;
  requestedBy: string;
  requestedByLabel: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
  granted: number;
};
