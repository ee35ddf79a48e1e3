import { describe, expect, it } from 'vitest';
import { goldenValueText } from './profile-labels';

describe('goldenValueText', () => {
  it('unquotes JSON strings of attribute fields only', () => {
    expect(goldenValueText('attr:city', '"北京"')).toBe('北京');
    expect(goldenValueText('attr:age', '42')).toBe('42');
    expect(goldenValueText('attr:broken', '"x')).toBe('"x');
    expect(goldenValueText('display_name', '"quoted"')).toBe('"quoted"');
  });
});
