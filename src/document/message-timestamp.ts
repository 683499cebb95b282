import type { HeaderBlock } from '../headers/types.js';
import { parseMailDate } from './parse-mail-date.js';

export interface MessageTimestamp {
  /** ISO 8601 UTC. */
  timestamp: string;
  source: 'received' | 'date' | 'internaldate' | 'now';
  warnings: string[];
}

const detail = (raw: string): string => raw.trim().slice(0, 80);

/**
 * `@timestamp` from the message itself, so a message always lands in the same index: the date of the
 * topmost Received header (after its last ';'), else Date:, else IMAP INTERNALDATE, else `now`.
 */
export function messageTimestamp(block: HeaderBlock, internalDate: Date | undefined, now: Date): MessageTimestamp {
  const warnings: string[] = [];
  const received = block.byName.get('received')?.[0];
  if (received !== undefined) {
    const semi = received.value.lastIndexOf(';');
    if (semi === -1) {
      warnings.push('received_without_date');
    } else {
      const raw = received.value.slice(semi + 1);
      const date = parseMailDate(raw);
      if (date !== undefined) return { timestamp: date.toISOString(), source: 'received', warnings };
      warnings.push(`bad_received_date:${detail(raw)}`);
    }
  }
  const dateField = block.byName.get('date')?.[0];
  if (dateField !== undefined) {
    const date = parseMailDate(dateField.value);
    if (date !== undefined) return { timestamp: date.toISOString(), source: 'date', warnings };
    warnings.push(`bad_date:${detail(dateField.value)}`);
  }
  if (internalDate !== undefined && Number.isFinite(internalDate.getTime())) {
    return { timestamp: internalDate.toISOString(), source: 'internaldate', warnings };
  }
  warnings.push('timestamp_from_now');
  return { timestamp: now.toISOString(), source: 'now', warnings };
}
