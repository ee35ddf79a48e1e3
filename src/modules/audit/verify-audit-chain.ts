import type { Db } from '../../platform/db.ts';
import type { ChainProblem, ChainReport } from './audit.shared.ts';
import { auditRowHash, GENESIS_HASH } from './audit-hash.ts';
import { toAuditEntry } from './list-audit.ts';

export type { ChainProblem, ChainReport } from './audit.shared.ts';

/**
 * Walks the whole chain in seq order (streamed in pages) and names every row that was changed
 * (its content no longer matches its hash), deleted (a gap in seq) or re-linked (prev_hash mismatch).
 */
export const verifyAuditChain = async (
  db: Db,
  options: { pageSize?: number; onProgress?: (checked: number, total: number) => void } = {},
): Promise<ChainReport> => {
  const pageSize = options.pageSize ?? 5000;
  const total = Number(
    (
      await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const problems: ChainProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(pageSize).execute();
    for (const r of rows) {
      if (r.seq !== expectedSeq) {
        const range = r.seq - 1 === expectedSeq ? `${expectedSeq}` : `${expectedSeq}–${r.seq - 1}`;
        problems.push({ seq: expectedSeq, kind: 'deleted', message: `audit rows ${range} are missing (deleted)` });
      }
      const recomputed = auditRowHash(r.prev_hash, toAuditEntry(r));
      if (recomputed !== r.hash) {
        problems.push({ seq: r.seq, kind: 'modified', message: `audit row ${r.seq} (${r.id}) was modified: its content does not match its hash` });
      } else if (r.prev_hash !== prevHash && r.seq === expectedSeq) {
        problems.push({ seq: r.seq, kind: 'broken_link', message: `audit row ${r.seq} (${r.id}) does not link to row ${r.seq - 1}: the chain was rewritten` });
      }
      prevHash = r.hash;
      expectedSeq = r.seq + 1;
      checked++;
    }
    options.onProgress?.(checked, total);
    if (rows.length < pageSize) break;
  }
  return { ok: problems.length === 0, checked, problems };
};
