// The one way a questionnaire's answers are read, for check-ins and reviews alike.
import { describe, expect, it } from 'vitest';
import { COMMENT_FIELD, MAX_COMMENT_LENGTH, readComment, readScale, SCALE_OPTIONS, SKIP } from '../../src/core/answering.js';

describe('answering', () => {
  it('offers the scale most agreeing first, then "prefer not to say"', () => {
    expect(SCALE_OPTIONS.map((o) => o.value)).toEqual(['5', '4', '3', '2', '1', SKIP]);
    expect(SCALE_OPTIONS[0]).toEqual({ value: '5', label: 'Strongly agree' });
  });

  it('takes only the exact points of the scale, and skip as null', () => {
    const errors: Record<string, string> = {};
    const scored = readScale(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], { a: '1', b: '5', c: SKIP, d: '05', e: ' 5', f: '6', g: '0', h: '' }, errors);
    expect(scored).toEqual({ a: 1, b: 5, c: null });
    expect(errors).toEqual({
      d: '"05" is not on the scale.',
      e: '" 5" is not on the scale.',
      f: '"6" is not on the scale.',
      g: '"0" is not on the scale.',
      h: 'Choose an answer (or "Prefer not to say").',
    });
  });

  it('trims the comment and refuses one too long', () => {
    const errors: Record<string, string> = {};
    expect(readComment({ [COMMENT_FIELD]: '  fine  ' }, errors)).toBe('fine');
    expect(errors).toEqual({});
    readComment({ [COMMENT_FIELD]: 'x'.repeat(MAX_COMMENT_LENGTH + 1) }, errors);
    expect(errors[COMMENT_FIELD]).toMatch(/^Please keep it under 1000 characters/);
  });
});
