// Commtouch (Cyren) classification → spam.verdict (docs/gateways.md §4, §7.1): used by X-CTCH-Spam and by the
// IMail Premium class headers X-IMAIL-SPAM-CONFIRMED / BULK / SUSPECTED / UNKNOWN.
import type { SpamVerdict } from '../../document/enums.js';
import { normalizeToken, tokenTable } from '../canonical/normalize-token.js';

const TABLE = tokenTable<SpamVerdict>([
  ['spam', ['Confirmed']],
  ['bulk', ['Bulk']],
  ['suspect', ['Suspected']],
  ['clean', ['Valid Mail', 'ValidMail', 'NonSpam', 'Non Spam']],
  ['none', ['Unknown']],
]);

export function toCommtouchVerdict(raw: string): SpamVerdict | undefined {
  return TABLE.get(normalizeToken(raw));
}
