import { describe, expect, it } from 'vitest';
import { emailDirection } from '../../../src/document/email-ecs.js';

describe('emailDirection', () => {
  const internal = ['example.org', 'Corp.Example.NET'];
  it('inbound, outbound, internal from the configured domains (subdomains included)', () => {
    expect(emailDirection('a@partner.example', ['b@example.org'], internal)).toBe('inbound');
    expect(emailDirection('a@mail.example.org', ['b@partner.example', 'c@example.org'], internal)).toBe('outbound');
    expect(emailDirection('a@example.org', ['b@corp.example.net', 'c@sub.example.org'], internal)).toBe('internal');
  });
  it('unknown without configured domains, sender or recipients, or when no party is internal', () => {
    expect(emailDirection('a@partner.example', ['b@example.org'], [])).toBe('unknown');
    expect(emailDirection(undefined, ['b@example.org'], internal)).toBe('unknown');
    expect(emailDirection('a@example.org', [], internal)).toBe('unknown');
    expect(emailDirection('a@x.example', ['b@y.example'], internal)).toBe('unknown');
    expect(emailDirection('a@notexample.org', ['b@example.org'], internal)).toBe('inbound');
  });
});
