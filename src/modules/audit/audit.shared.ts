// Kinds and shapes of the audit log that the console shares (dates as the server holds them; the console
// maps them to JSON strings). No imports: the console bundles this file.

export const ACTOR_TYPES = ['user', 'api_key', 'system', 'cli'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** An audit row as the rest of the code sees it (also what the hash chain covers). */
export type AuditEntry = {
  seq: number;
  id: string;
  at: Date;
  actorType: ActorType;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
};

export const CHAIN_PROBLEM_KINDS = ['modified', 'deleted', 'broken_link'] as const;
export type ChainProblemKind = (typeof CHAIN_PROBLEM_KINDS)[number];

export type ChainProblem = { seq: number; kind: ChainProblemKind; message: string };
export type ChainReport = { ok: boolean; checked: number; problems: ChainProblem[] };
