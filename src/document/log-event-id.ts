// `_id` of a log event document: sha256 of the sending host and the event text (nothing lost, nothing doubled). The event
// text is the message after the syslog header and tag, so the same event read live (`<PRI>`, RFC 5424 header)
// and from a file written by a syslog daemon (traditional header) gets the same id; the host is the header's
// hostname when it has one, else the address it came from.
import { createHash } from 'node:crypto';

export function logEventId(host: string, eventText: string): string {
  return createHash('sha256').update(host.toLowerCase()).update('\n').update(eventText.replace(/[\r\n]+$/, '')).digest('hex');
}
