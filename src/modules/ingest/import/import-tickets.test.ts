import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor } from '../../auth/index.ts';
import { getImportErrors } from './list-imports.ts';
import { importFile } from './run-import.ts';

describe('importing service tickets', () => {
  const db = useTestDb();
  const file = [
    '工单号,手机号,标题,状态,优先级,渠道,创建时间,关闭时间',
    'T1,13800138000,发票开错了,已关闭,高,电话,2026-04-01 09:00,2026-04-01 18:00',
    'T2,13800138000,物流太慢,,,微信,2026/4/2 10:15,',
    'T3,13900139000,退货,进行中,,,2026-04-03 10:00,',
    'T4,13900139000,退货,open,highest,,2026-04-03 10:00,',
    'T5,13900139000,退货,open,,,2026-04-03 10:00,2026-04-31 10:00',
  ].join('\n');

  const run = () =>
    importFile(db().db, systemClock, cliActor('test'), {
      kind: 'tickets',
      source: 'helpdesk',
      fileName: 'tickets.csv',
      bytes: (async function* () {
        yield Buffer.from(file);
      })(),
    });

  it('attaches tickets to customers and reports rows it cannot read', async () => {
    const summary = await run();
    expect(summary).toMatchObject({ rowsStored: 2, rowsRejected: 3 });
    expect(summary.mapping).toMatchObject({
      工单号: 'external_id',
      标题: 'subject',
      状态: 'status',
      优先级: 'priority',
      渠道: 'channel',
      创建时间: 'opened_at',
      关闭时间: 'closed_at',
    });
    const { errors } = await getImportErrors(db().db, summary.id);
    expect(errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [4, '状态', 'unknown status; one of open, pending, solved, closed'],
      [5, '优先级', 'unknown priority; one of low, normal, high, urgent'],
      [6, '关闭时间', 'day out of range'],
    ]);
    const tickets = await db()
      .db.selectFrom('service_ticket')
      .select(['external_id', 'subject', 'status', 'priority', 'channel', 'opened_at', 'closed_at'])
      .orderBy('external_id')
      .execute();
    expect(tickets).toEqual([
      {
        external_id: 'T1',
        subject: '发票开错了',
        status: 'closed',
        priority: 'high',
        channel: '电话',
        opened_at: new Date('2026-04-01T01:00:00Z'),
        closed_at: new Date('2026-04-01T10:00:00Z'),
      },
      {
        external_id: 'T2',
        subject: '物流太慢',
        status: 'open',
        priority: 'normal',
        channel: '微信',
        opened_at: new Date('2026-04-02T02:15:00Z'),
        closed_at: null,
      },
    ]);
    expect((await run()).rowsDuplicate).toBe(2);
  });
});
