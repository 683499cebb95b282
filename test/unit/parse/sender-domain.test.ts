import { describe, expect, it } from 'vitest';
import { senderDomain } from '../../../src/parse/build-document.js';

describe('senderDomain', () => {
  it('lowercases the domain of the envelope sender', () => {
    expect(senderDomain('Bounce+x@Mail.Example.COM')).toBe('mail.example.com');
  });
  it('gives nothing for addresses without a usable domain', () => {
    expect(senderDomain(undefined)).toBeUndefined();
    expect(senderDomain('no-at-sign')).toBeUndefined();
    expect(senderDomain('trailing@')).toBeUndefined();
    expect(senderDomain('a@bad domain')).toBeUndefined();
  });
});
