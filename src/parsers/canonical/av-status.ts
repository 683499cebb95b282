// Anti-virus status → av.status (docs/gateways.md §7.4, localized aliases §7.7).
// Takes the status part only: for Kaspersky `Clean, skipped` the caller passes `Clean` (the tail is the AV action).
import type { AvStatus } from '../../document/enums.js';
import { normalizeToken, splitFirstComma, tokenTable } from './normalize-token.js';

const TABLE = tokenTable<AvStatus>([
  ['clean', [
    'Clean', 'NotDetected', 'Not infected', 'not_detected', 'Sauber', 'Nicht infiziert', 'Limpo', 'Não infectado',
    'Чистое', 'Чистый', 'Не заражено', 'Не заражён', 'Не заражен',
  ]],
  ['infected', ['Infected', 'Virus', 'Detected', 'Infiziert', 'Infectado', 'Заражён', 'Заражен', 'Заражено']],
  ['suspicious', [
    'Probably Infected', 'ProbablyInfected', 'Suspicious', 'High', 'Medium',
    'Möglicherweise infiziert', 'Provavelmente infectado', 'Возможно заражено', 'Подозрительный',
  ]],
  ['disinfected', ['Disinfected', 'Desinfiziert', 'Desinfectado', 'Desinfetado', 'Вылечено', 'Вылечен']],
  ['encrypted', ['Encrypted', 'Verschlüsselt', 'Criptografado', 'Зашифрован', 'Зашифровано']],
  ['macro', ['Attachments with macros', 'Macro', 'Macros', 'Anhänge mit Makros', 'Anexos com macros', 'Вложения с макросами']],
  ['error', ['Error', 'Scan Error', 'BasesError', 'Fehler', 'Erro', 'Ошибка']],
  ['not_scanned', ['NotScanned', 'not scanned', 'not_checked', 'Nicht untersucht', 'Não verificado', 'Не проверено']],
]);

/**
 * Maps an AV status; `undefined` when not understood. `Infected with <name>` / `Infected (<name>)` and
 * `not scanned, <reason>` are recognised by their leading words; use `avThreatName` for the name.
 */
export function toAvStatus(raw: string): AvStatus | undefined {
  const [head] = splitFirstComma(raw);
  const direct = TABLE.get(normalizeToken(head));
  if (direct !== undefined) return direct;
  const lower = head.toLowerCase();
  if (lower.startsWith('infected with ') || lower.startsWith('infected (') || lower.startsWith('infected:')) return 'infected';
  return undefined;
}

/** Threat name in `Infected with <name>`, `Infected (<name>)`, `Infected: <name>`; undefined otherwise. */
export function avThreatName(raw: string): string | undefined {
  const text = raw.trim();
  const lower = text.toLowerCase();
  let name: string | undefined;
  if (lower.startsWith('infected with ')) name = text.slice('infected with '.length);
  else if (lower.startsWith('infected:')) name = text.slice('infected:'.length);
  else if (lower.startsWith('infected (')) {
    const close = text.lastIndexOf(')');
    name = close > 'infected ('.length ? text.slice('infected ('.length, close) : text.slice('infected ('.length);
  }
  const trimmed = name?.trim();
  return trimmed ? trimmed.slice(0, 200) : undefined;
}
