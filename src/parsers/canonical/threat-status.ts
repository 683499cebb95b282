// Anti-phishing / link-scanning / sandbox status → threat status (docs/gateways.md §7.5, localized aliases §7.7).
// `Detected` is a guess [I] whose meaning depends on the module: phishing for Anti-Phishing, malicious otherwise.
import type { ThreatStatus } from '../../document/enums.js';
import { normalizeToken, splitFirstComma, tokenTable } from './normalize-token.js';

export type ThreatKind = 'phishing' | 'links' | 'sandbox';

const TABLE = tokenTable<ThreatStatus>([
  ['clean', [
    'Clean', 'NotDetected', 'Not Phishing', 'not_detected', 'Sauber', 'Kein Phishing', 'Limpo', 'Não é phishing',
    'Чистое', 'Не фишинг',
  ]],
  ['phishing', ['Phishing', 'PHISHING_URL', 'Фишинг']],
  ['malicious', ['Malicious Link', 'Malicious', 'MALICIOUS_URL', 'Bösartiger Link', 'Link malicioso', 'Вредоносная ссылка']],
  ['suspicious', ['ADWARE_URL', 'RISKWARE_URL', 'Suspicious']],
  ['error', ['Scan Error', 'Error', 'BasesError', 'Fehler', 'Erro', 'Ошибка']],
  ['not_scanned', ['not scanned', 'NotScanned', 'Nicht untersucht', 'Não verificado', 'Не проверено']],
]);

/** Maps a phishing/links/sandbox status (first part of a two-part value); `undefined` when not understood. */
export function toThreatStatus(raw: string, kind: ThreatKind = 'phishing'): ThreatStatus | undefined {
  const [head] = splitFirstComma(raw);
  const key = normalizeToken(head);
  if (key === 'detected') return kind === 'phishing' ? 'phishing' : 'malicious';
  return TABLE.get(key);
}
