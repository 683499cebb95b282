import { describe, expect, it } from 'vitest';
import { extractAddresses } from '../../../src/document/extract-addresses.js';

describe('extractAddresses', () => {
  it('reads display names, quoted commas, comments and groups', () => {
    expect(extractAddresses('"Doe, John" <john@example.org>, kate@example.com (Kate), team: a@b.c, d@e.f;, <x@y.z>')).toEqual([
      'john@example.org', 'kate@example.com', 'a@b.c', 'd@e.f', 'x@y.z',
    ]);
  });

  it('drops items without an address and bounds the count', () => {
    expect(extractAddresses('undisclosed-recipients:;')).toEqual([]);
    expect(extractAddresses('<broken')).toEqual([]);
    expect(extractAddresses(Array.from({ length: 500 }, (_, i) => `u${i}@x.org`).join(', '))).toHaveLength(100);
  });
});
