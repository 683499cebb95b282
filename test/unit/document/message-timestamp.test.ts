import { describe, expect, it } from 'vitest';
import { messageTimestamp } from '../../../src/document/message-timestamp.js';
import { splitHeaderBlock } from '../../../src/headers/split-header-block.js';

const now = new Date('2030-01-01T00:00:00Z');
const internal = new Date('2025-05-05T05:05:05Z');

describe('messageTimestamp', () => {
  it('takes the topmost Received date after the last semicolon', () => {
    const block = splitHeaderBlock('Received: from a (x; y) by b;\n Mon, 13 Apr 2026 06:49:00 +0300\nReceived: from c; Sun, 12 Apr 2026 00:00:00 +0000\nDate: Sat, 11 Apr 2026 00:00:00 +0000\n');
    expect(messageTimestamp(block, internal, now)).toEqual({ timestamp: '2026-04-13T03:49:00.000Z', source: 'received', warnings: [] });
  });

  it('falls back to Date:, then INTERNALDATE, then now, with warnings for bad dates', () => {
    const badReceived = splitHeaderBlock('Received: from a; not a date\nDate: Sat, 11 Apr 2026 00:00:00 +0000\n');
    expect(messageTimestamp(badReceived, internal, now)).toEqual({
      timestamp: '2026-04-11T00:00:00.000Z', source: 'date', warnings: ['bad_received_date:not a date'],
    });
    const badDate = splitHeaderBlock('Date: soon\n');
    expect(messageTimestamp(badDate, internal, now)).toEqual({ timestamp: internal.toISOString(), source: 'internaldate', warnings: ['bad_date:soon'] });
    expect(messageTimestamp(splitHeaderBlock('Subject: x\n'), undefined, now)).toEqual({
      timestamp: now.toISOString(), source: 'now', warnings: ['timestamp_from_now'],
    });
    expect(messageTimestamp(splitHeaderBlock('Received: from a by b\n'), new Date(Number.NaN), now).warnings).toEqual(['received_without_date', 'timestamp_from_now']);
  });

  it('does not believe a date beyond the future skew: INTERNALDATE, then now, with a warning', () => {
    const arrival = new Date('2025-05-06T00:00:00Z');
    const future = splitHeaderBlock('Received: from a by b; Mon, 1 Jan 2999 00:00:00 +0000\nDate: Mon, 1 Jan 2999 00:00:00 +0000\n');
    expect(messageTimestamp(future, internal, arrival)).toEqual({
      timestamp: internal.toISOString(), source: 'internaldate', warnings: ['future_timestamp:received:2999-01-01T00:00:00.000Z'],
    });
    expect(messageTimestamp(future, undefined, arrival)).toEqual({
      timestamp: arrival.toISOString(), source: 'now', warnings: ['future_timestamp:received:2999-01-01T00:00:00.000Z', 'timestamp_from_now'],
    });
    // INTERNALDATE can be set by whoever APPENDs: it is held to the same bound.
    const futureInternal = new Date('2999-01-01T00:00:00Z');
    expect(messageTimestamp(splitHeaderBlock('Date: Mon, 1 Jan 2999 00:00:00 +0000\n'), futureInternal, arrival)).toEqual({
      timestamp: arrival.toISOString(), source: 'now',
      warnings: ['future_timestamp:date:2999-01-01T00:00:00.000Z', 'future_timestamp:internaldate:2999-01-01T00:00:00.000Z', 'timestamp_from_now'],
    });
  });

  it('believes a date inside the skew (default 48 h; configurable)', () => {
    const arrival = new Date('2025-05-06T00:00:00Z');
    const soon = splitHeaderBlock('Received: from a by b; Wed, 7 May 2025 12:00:00 +0000\n');
    expect(messageTimestamp(soon, internal, arrival).source).toBe('received');
    expect(messageTimestamp(soon, internal, arrival, 3600_000)).toMatchObject({ source: 'internaldate', warnings: ['future_timestamp:received:2025-05-07T12:00:00.000Z'] });
  });
});
