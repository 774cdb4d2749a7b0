import { parseSamples, singleValue } from './metricsText';

describe('parseSamples (test helper)', () => {
  it('reads label values with the text format escapes, in one pass', () => {
    const text = [
      '# HELP m A metric.',
      '# TYPE m counter',
      'm{a="plain",b="x\\\\ny"} 1',
      'm{a="quote \\" and newline \\n",b=""} 2.5',
      'm_other{a="no"} 9',
      'm 4',
    ].join('\n');
    expect(parseSamples(text, 'm')).toEqual([
      // `x\\ny` is a backslash followed by n, not a newline.
      { labels: { a: 'plain', b: 'x\\ny' }, value: 1 },
      { labels: { a: 'quote " and newline \n', b: '' }, value: 2.5 },
      { labels: {}, value: 4 },
    ]);
    expect(singleValue('g 1.5e9\n', 'g')).toBe(1_500_000_000);
    expect(() => singleValue(text, 'm')).toThrow('m: expected one sample, got 3');
  });
});
