import { describe, expect, it } from 'vitest';
import { maskName } from './contact.ts';

describe('maskName', () => {
  it('keeps a Chinese surname and the initials of a Latin name', () => {
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('Marie Curie')).toBe('M. C.');
  });

  it('leaves a missing name empty, so the console names the anonymous visitor instead of showing a mask', () => {
    expect(maskName('')).toBe('');
    expect(maskName('  ')).toBe('');
  });
});
