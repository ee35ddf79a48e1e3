import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectDelimiter } from './csv-records.ts';
import { openRows, type Row, type RowProblem } from './read-rows.ts';

/** The bytes as a stream of chunks of `size` bytes (1 = every chunk boundary a parser can meet). */
const chunked = (bytes: Buffer, size: number) =>
  (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();

const read = async (content: string | Buffer, fileName = 'file.csv', chunk = 65_536) => {
  const opened = await openRows(chunked(Buffer.isBuffer(content) ? content : Buffer.from(content), chunk), fileName);
  const rows: (Row | RowProblem)[] = [];
  for await (const items of opened.rows) rows.push(...items);
  return { ...opened, rows };
};

const refusal = async (content: string | Buffer, fileName = 'file.csv') => {
  try {
    await read(content, fileName);
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('reading CSV', () => {
  const tricky = 'id,name,note\r\n1,"Wang, Xiaoming","said ""hi"""\r\n2,"two\nlines",x\r\n\r\n3,plain,"quote"after\r\n,,\r\n4,"世界",5" ruler\r\n5,last,';

  it('reads quotes, embedded line breaks, CRLF, blank and empty rows, with physical line numbers', async () => {
    const { rows, header, format, encoding } = await read(tricky);
    expect({ format, encoding, header }).toEqual({ format: 'csv', encoding: 'utf-8', header: ['id', 'name', 'note'] });
    expect(rows).toEqual([
      { line: 2, cells: ['1', 'Wang, Xiaoming', 'said "hi"'] },
      { line: 3, cells: ['2', 'two\nlines', 'x'] },
      { line: 6, cells: ['3', 'plain', 'quoteafter'] },
      { line: 8, cells: ['4', '世界', '5" ruler'] },
      { line: 9, cells: ['5', 'last', ''] },
    ]);
  });

  it('gives the same rows whatever the chunk boundaries', async () => {
    const whole = await read(tricky);
    for (const size of [1, 2, 3, 7]) expect((await read(tricky, 'file.csv', size)).rows, `chunks of ${size}`).toEqual(whole.rows);
  });

  it('reports a row with a quote never closed and goes on with the next line', async () => {
    const { rows } = await read('a,b\n1,2\n3,"unclosed\n4,5\n6,7');
    expect(rows).toEqual([
      { line: 2, cells: ['1', '2'] },
      { line: 3, problem: 'a quote opened in this row is never closed' },
      { line: 4, cells: ['4', '5'] },
      { line: 5, cells: ['6', '7'] },
    ]);
  });

  it('reports rows with the wrong number of fields; extra empty cells are fine', async () => {
    const { rows } = await read('a,b\n1,2,3\n4\n5,6,,\n7,8');
    expect(rows).toEqual([
      { line: 2, problem: 'expected 2 fields (as in the header), found 3' },
      { line: 3, problem: 'expected 2 fields (as in the header), found 1' },
      { line: 4, cells: ['5', '6'] },
      { line: 5, cells: ['7', '8'] },
    ]);
  });

  it('bounds memory on a runaway quoted field and resumes after it', async () => {
    const long = `a,b\n1,"${'x'.repeat(1_100_000)}\n2,3\n`;
    const { rows } = await read(long, 'file.csv', 65_536);
    expect(rows[0]).toEqual({ line: 2, problem: expect.stringMatching(/row longer than 1048576 characters/) });
    expect(rows.slice(1)).toEqual([{ line: 3, cells: ['2', '3'] }]);
  });

  it('detects ; and tab delimiters and CR-only line ends', async () => {
    expect(detectDelimiter('a;b;"c;d"')).toBe(';');
    expect(detectDelimiter('a\tb\tc,d')).toBe('\t');
    expect((await read('姓名;手机\r张三;138\r')).rows).toEqual([{ line: 2, cells: ['张三', '138'] }]);
    expect((await read('a\tb\n1\t2', 'x.tsv')).rows).toEqual([{ line: 2, cells: ['1', '2'] }]);
  });

  it('names duplicate and empty header cells', async () => {
    expect((await read('a,a,,b\n1,2,3,4')).header).toEqual(['a', 'a_2', 'column_3', 'b']);
  });
});

describe('detecting the encoding', () => {
  const text = '姓名,手机号,城市\n王小明,13800138000,杭州\n';

  it('UTF-8, UTF-8 with BOM, GB18030 and UTF-16 with BOM', async () => {
    const utf8 = await read(text);
    const bom = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const gb = await read(iconv.encode(text, 'gb18030'));
    const utf16 = await read(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]));
    for (const r of [utf8, bom, gb, utf16]) {
      expect(r.header).toEqual(['姓名', '手机号', '城市']);
      expect(r.rows).toEqual([{ line: 2, cells: ['王小明', '13800138000', '杭州'] }]);
    }
    expect([utf8.encoding, bom.encoding, gb.encoding, utf16.encoding]).toEqual(['utf-8', 'utf-8-bom', 'gb18030', 'utf-16le']);
  });

  it('reads GBK text one byte at a time (characters split across chunks)', async () => {
    const r = await read(iconv.encode(text, 'gbk'), 'x.csv', 1);
    expect(r.encoding).toBe('gb18030');
    expect(r.rows).toEqual([{ line: 2, cells: ['王小明', '13800138000', '杭州'] }]);
  });

  it('unpacks gzip', async () => {
    const r = await read(gzipSync(Buffer.from(text)), 'x.csv.gz');
    expect({ gzip: r.gzip, encoding: r.encoding, rows: r.rows.length }).toEqual({ gzip: true, encoding: 'utf-8', rows: 1 });
  });

  it('refuses empty, binary and spreadsheet files with a clear reason', async () => {
    expect(await refusal('')).toEqual({ code: 'ingest.invalid_file', message: 'the file is empty' });
    expect(await refusal('\n\n  \n')).toMatchObject({ code: 'ingest.invalid_file', message: expect.stringMatching(/no header row/) });
    expect(await refusal(Buffer.from([1, 2, 0, 255, 254, 0, 7]))).toMatchObject({ message: expect.stringMatching(/binary/) });
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 255 || 1));
    expect(await refusal(noise)).toMatchObject({ message: expect.stringMatching(/binary/) });
    expect(await refusal(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]))).toMatchObject({ message: expect.stringMatching(/Excel workbook \(\.xlsx\)/) });
    expect(await refusal('"never closed,a\n')).toMatchObject({ message: expect.stringMatching(/header row \(line 1\) cannot be read/) });
  });
});

describe('reading JSON Lines', () => {
  it('reads objects, grows the header with new keys, reports bad lines', async () => {
    const r = await read('{"id":"a","n":1}\n\n{"id":"b","tags":["x"],"ok":true}\r\nnot json\n[1]\n{"id":"c","n":null}', 'events.jsonl');
    expect(r.format).toBe('jsonl');
    expect(r.header).toEqual(['id', 'n', 'tags', 'ok']);
    expect(r.rows).toEqual([
      { line: 1, cells: ['a', '1'] },
      { line: 3, cells: ['b', '', '["x"]', 'true'] },
      { line: 4, problem: expect.stringMatching(/^not valid JSON/) },
      { line: 5, problem: 'not a JSON object' },
      { line: 6, cells: ['c', '', '', ''] },
    ]);
  });

  it('knows JSONL by content too, and refuses a JSON array', async () => {
    expect((await read('{"a":1}\n', 'upload')).format).toBe('jsonl');
    expect(await refusal('[{"a":1}]', 'x.json')).toMatchObject({ message: expect.stringMatching(/JSON array/) });
  });
});
