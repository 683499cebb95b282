// Anti-spam status → spam.verdict (docs/gateways.md §7.1, localized aliases §7.7).
// Accepts Kaspersky header tokens (`not_detected`, `KAS_STATUS_SPAM`, `not scanned, whitelist`), the CEF/UI
// spellings (`ProbableSpam`, `MASSMAIL`), legacy SpamTest (`Probable Spam`) and the plain classes other vendors use.
import type { SpamVerdict } from '../../document/enums.js';
import { normalizeToken, splitFirstComma, tokenTable } from './normalize-token.js';

const TABLE = tokenTable<SpamVerdict>([
  ['clean', [
    'not_detected', 'Clean', 'Not Spam', 'Clean (Not Spam)', 'NotSpam', 'Not detected',
    // Commtouch / IMail classes, SpamAssassin/Barracuda/Trend `No`, rspamd `no action`.
    'Valid Mail', 'NonSpam', 'No', 'no action',
    // §7.7 [I]
    'Sauber', 'Kein Spam', 'Limpo', 'Não é spam', 'Чистое', 'Не спам',
  ]],
  ['spam', [
    'spam', 'Confirmed', 'Yes', 'add header', 'rewrite subject', 'reject', 'discard', 'quarantine',
    'Спам',
  ]],
  ['suspect', [
    'probable_spam', 'Probable Spam', 'ProbableSpam', 'Suspected', 'greylist', 'soft reject',
    'Möglicher Spam', 'Potenzieller Spam', 'Wahrscheinlicher Spam', 'Possível spam', 'Provável spam', 'Возможный спам',
  ]],
  ['blocklisted', [
    'blacklisted', 'denylisted', 'black', 'Blockiert', 'Auf der Sperrliste', 'Na lista de bloqueio',
    'В черном списке', 'В чёрном списке', 'Запрещённый', 'Запрещенный',
  ]],
  ['allowlisted', ['trusted', 'whitelisted', 'allowlisted', 'Vertrauenswürdig', 'Confiável', 'Доверенный']],
  ['formal', ['formal', 'Formell', 'Formal', 'Формальное']],
  ['bulk', [
    'mass_mail', 'massmail', 'mass mailing', 'Bulk', 'Massenmail', 'Massen-E-Mail', 'Envio em massa',
    'Массовая рассылка',
  ]],
  ['none', [
    'NotScanned', 'not scanned', 'Error', 'Scan Error', 'BasesError', 'Unknown',
    'Fehler', 'Erro', 'Ошибка', 'Nicht untersucht', 'Não verificado', 'Не проверено',
  ]],
  // Guessed detection form (§7.1 [I]); callers should flag it as assumed.
  ['spam', ['detected']],
]);

/** Tokens whose mapping is a guess (§7.1 `detected`): callers add a warning when one is used. */
export const ASSUMED_SPAM_TOKENS: ReadonlySet<string> = new Set(['detected']);

const ALLOW_REASONS = new Set(['whitelist', 'allowlist', 'personalallowlist', 'personalwhitelist']);
const DENY_REASONS = new Set(['blacklist', 'denylist', 'personaldenylist', 'personalblacklist']);

/**
 * Maps a vendor anti-spam status; `undefined` when not understood (caller sets `unknown`, keeps raw, warns).
 * `not scanned, <reason>` gives `none`, except allow/deny list reasons which decided the message.
 */
export function toSpamVerdict(raw: string): SpamVerdict | undefined {
  const [head, tail] = splitFirstComma(raw);
  let key = normalizeToken(head);
  if (key.startsWith('kasstatus')) key = key.slice('kasstatus'.length);
  if (tail !== undefined && (key === 'notscanned' || key === 'nichtuntersucht' || key === 'nãoverificado')) {
    const reason = normalizeToken(tail);
    if (ALLOW_REASONS.has(reason)) return 'allowlisted';
    if (DENY_REASONS.has(reason)) return 'blocklisted';
    return 'none';
  }
  // A second part on anything else (e.g. `spam, <extra>`) is ignored for the verdict; the raw keeps it.
  return TABLE.get(key);
}
