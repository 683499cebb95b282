// Scan completeness (Interceptor-Info, "not scanned, <reason>", KATA, CEF statuses) → scan.status + reason
// (docs/gateways.md §7.2, §1.1; localized aliases §7.7 and the pt-BR KSMG doc's translated Interceptor-Info labels).
import { INCOMPLETE_SCAN_STATUSES, type ScanReason, type ScanStatus } from '../../document/enums.js';
import { normalizeToken, splitFirstComma, tokenTable } from './normalize-token.js';

export interface CanonicalScanStatus {
  status: ScanStatus;
  reason?: ScanReason;
}

const STATUS = tokenTable<ScanStatus>([
  ['complete', [
    'scan successful', 'scan successfull', 'Untersuchung erfolgreich', 'Verificação bem-sucedida',
    'Проверено успешно',
  ]],
  ['disabled', [
    'protection disabled', 'not scanned', 'NotScanned', 'disabled', 'Nicht untersucht', 'Não verificado',
    'Не проверено', 'Schutz deaktiviert', 'Proteção desativada', 'Защита отключена',
  ]],
  ['timeout', ['timeout expired', 'timeout', 'Zeitüberschreitung', 'Tempo limite expirado', 'Истекло время ожидания']],
  ['size_exceeded', ['size exceeded', 'size-limit', 'Größe überschritten', 'Tamanho excedido', 'Превышен размер']],
  ['fallback', ['fallback']],
  ['error', ['Error', 'Scan Error', 'BasesError', 'Unable to connect local ctasd', 'Fehler', 'Erro', 'Ошибка']],
  ['not_applicable', ['no applicable attachment filtering rules found', 'SKIPPED(no attachment in message)']],
]);

/** Reason text after `not scanned, ` (KLMS/KSMG headers and CEF events, §1.1). */
const REASONS = tokenTable<CanonicalScanStatus>([
  [{ status: 'disabled', reason: 'settings' }, ['disabled by settings']],
  [{ status: 'unlicensed', reason: 'license' }, ['license restriction']],
  [{ status: 'size_exceeded', reason: 'size' }, ['size-limit', 'size exceeded']],
  [{ status: 'skipped', reason: 'allowlist' }, ['whitelist', 'allowlist']],
  [{ status: 'skipped', reason: 'personal_allowlist' }, ['personal allowlist', 'personal whitelist']],
  [{ status: 'skipped', reason: 'denylist' }, ['blacklist', 'denylist']],
  [{ status: 'skipped', reason: 'personal_denylist' }, ['personal denylist', 'personal blacklist']],
  [{ status: 'skipped', reason: 'policy' }, ['policy']],
  [{ status: 'skipped', reason: 'already_processed' }, ['already processed by another module']],
  [{ status: 'skipped', reason: 'nesting_level' }, ['nesting-level']],
  [{ status: 'skipped', reason: 'filename' }, ['filename']],
]);

const NOT_SCANNED = new Set(['notscanned', 'nichtuntersucht', 'nãoverificado', 'непроверено']);

/** Single tokens that are themselves a skip reason (CEF `nesting-level`, `filename`, …). */
const BARE_REASONS = new Set(['nestinglevel', 'filename', 'alreadyprocessedbyanothermodule']);

/**
 * Maps a scan-completeness value; `undefined` when not understood.
 * `not scanned, <unknown reason>` is still known not to be scanned → `skipped` with reason `other`
 * (callers may warn about the reason).
 */
export function toScanStatus(raw: string): CanonicalScanStatus | undefined {
  const [head, tail] = splitFirstComma(raw);
  const key = normalizeToken(head);
  if (tail !== undefined && NOT_SCANNED.has(key)) {
    const known = REASONS.get(normalizeToken(tail));
    if (known) return { ...known };
    // A reason that is itself a completeness phrase (`NotScanned, timeout expired`) is that failure, exactly as
    // the Interceptor-Info header alone would say it: the scan-incomplete rule must count it the same way.
    const failure = STATUS.get(normalizeToken(tail));
    if (failure !== undefined && INCOMPLETE_SCAN_STATUSES.includes(failure)) return { status: failure };
    return { status: 'skipped', reason: 'other' };
  }
  if (tail === undefined && BARE_REASONS.has(key)) {
    const known = REASONS.get(key);
    if (known) return { ...known };
  }
  const status = STATUS.get(normalizeToken(tail === undefined ? head : raw)) ?? STATUS.get(key);
  return status === undefined ? undefined : { status };
}
