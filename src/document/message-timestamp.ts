import type { HeaderBlock } from '../headers/types.js';
import { parseMailDate } from './parse-mail-date.js';

export interface MessageTimestamp {
  /** ISO 8601 UTC. */
  timestamp: string;
  source: 'received' | 'date' | 'internaldate' | 'now';
  warnings: string[];
}

/** How far past `now` a message's own date may lie before it is not believed (config `parse.maxFutureSkewHours`). */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 48 * 3600_000;

const detail = (raw: string): string => raw.trim().slice(0, 80);

/**
 * `@timestamp` from the message itself, so a message always lands in the same index: the date of the
 * topmost Received header (after its last ';'), else Date:, else IMAP INTERNALDATE, else `now`.
 * A header date more than `maxFutureSkewMs` after `now` is not believed (it would open a monthly index per
 * hostile message, which retention never deletes): INTERNALDATE is used, then `now`, with a warning.
 */
export function messageTimestamp(
  block: HeaderBlock,
  internalDate: Date | undefined,
  now: Date,
  maxFutureSkewMs: number = DEFAULT_MAX_FUTURE_SKEW_MS,
): MessageTimestamp {
  const warnings: string[] = [];
  const latest = now.getTime() + maxFutureSkewMs;
  const fromHeaders = headerTimestamp(block, warnings);
  if (fromHeaders !== undefined) {
    if (fromHeaders.date.getTime() <= latest) return { timestamp: fromHeaders.date.toISOString(), source: fromHeaders.source, warnings };
    warnings.push(`future_timestamp:${fromHeaders.source}:${fromHeaders.date.toISOString()}`);
  }
  if (internalDate !== undefined && Number.isFinite(internalDate.getTime())) {
    if (internalDate.getTime() <= latest) return { timestamp: internalDate.toISOString(), source: 'internaldate', warnings };
    warnings.push(`future_timestamp:internaldate:${internalDate.toISOString()}`);
  }
  warnings.push('timestamp_from_now');
  return { timestamp: now.toISOString(), source: 'now', warnings };
}

function headerTimestamp(block: HeaderBlock, warnings: string[]): { date: Date; source: 'received' | 'date' } | undefined {
  const received = block.byName.get('received')?.[0];
  if (received !== undefined) {
    const semi = received.value.lastIndexOf(';');
    if (semi === -1) {
      warnings.push('received_without_date');
    } else {
      const raw = received.value.slice(semi + 1);
      const date = parseMailDate(raw);
      if (date !== undefined) return { date, source: 'received' };
      warnings.push(`bad_received_date:${detail(raw)}`);
    }
  }
  const dateField = block.byName.get('date')?.[0];
  if (dateField !== undefined) {
    const date = parseMailDate(dateField.value);
    if (date !== undefined) return { date, source: 'date' };
    warnings.push(`bad_date:${detail(dateField.value)}`);
  }
  return undefined;
}
