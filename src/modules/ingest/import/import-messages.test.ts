import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor } from '../../auth/index.ts';
import { getImportErrors } from './list-imports.ts';
import { importFile } from './run-import.ts';

describe('importing community messages', () => {
  const db = useTestDb();
  const lines = [
    { msg_id: 'm1', openid: 'oAbc123', group: '杭州茶友群', content: '新茶什么时候到？', time: '2026-04-01 20:00:00' },
    { msg_id: 'm2', openid: 'oAbc123', group: '杭州茶友群', content: '谢谢！', time: 1775000000 },
    { msg_id: 'm3', openid: '', group: '杭州茶友群', content: '匿名', time: '2026-04-01 20:02:00' },
    { msg_id: 'm4', openid: 'oXyz', content: '', time: '2026-04-01 20:03:00' },
  ];

  it('reads JSONL, puts messages on the sender’s timeline, defaults the community to the source', async () => {
    const summary = await importFile(db().db, systemClock, cliActor('test'), {
      kind: 'messages',
      source: 'wechat-groups',
      fileName: 'messages.jsonl',
      bytes: (async function* () {
        yield Buffer.from(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"msg_id":"m5","openid":"oXyz","content":"hi","time":"2026-04-01T12:00:00Z"}\n`);
      })(),
      mapping: { openid: 'wechat_openid' },
    });
    expect(summary).toMatchObject({ format: 'jsonl', rowsTotal: 5, rowsStored: 3, rowsRejected: 2 });
    expect(summary.mapping).toEqual({ openid: 'wechat_openid', msg_id: 'external_id', group: 'community', content: 'body', time: 'sent_at' });
    const { errors } = await getImportErrors(db().db, summary.id);
    expect(errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [3, 'openid', 'no customer identifier (wechat_openid all empty)'],
      [4, 'content', 'missing'],
    ]);
    const messages = await db().db.selectFrom('community_message').select(['external_id', 'community', 'body', 'sent_at']).orderBy('external_id').execute();
    expect(messages).toEqual([
      { external_id: 'm1', community: '杭州茶友群', body: '新茶什么时候到？', sent_at: new Date('2026-04-01T12:00:00Z') },
      { external_id: 'm2', community: '杭州茶友群', body: '谢谢！', sent_at: new Date('2026-03-31T23:33:20Z') },
      { external_id: 'm5', community: 'wechat-groups', body: 'hi', sent_at: new Date('2026-04-01T12:00:00Z') },
    ]);
  });
});
