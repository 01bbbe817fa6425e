import { jsonNestsDeeperThan } from './configure-http-app';

describe('jsonNestsDeeperThan', () => {
  const deep = (n: number) => Buffer.from('['.repeat(n) + ']'.repeat(n));

  it('counts objects and arrays, up to the limit', () => {
    expect(jsonNestsDeeperThan(deep(64), 64)).toBe(false);
    expect(jsonNestsDeeperThan(deep(65), 64)).toBe(true);
    expect(jsonNestsDeeperThan(Buffer.from('{"a":'.repeat(70) + '1' + '}'.repeat(70)), 64)).toBe(
      true,
    );
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[{{{{\\"[[[[', b: ['"]]]]'] });
    expect(jsonNestsDeeperThan(Buffer.from(text), 2)).toBe(false);
  });
});
