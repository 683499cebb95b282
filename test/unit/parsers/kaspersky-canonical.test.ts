// Canonical maps (docs/gateways.md §7.1, 7.2, 7.4–7.7) and the shared token normaliser.
import { describe, expect, it } from 'vitest';
import { normalizeToken, splitFirstComma } from '../../../src/parsers/canonical/normalize-token.js';
import { toSpamVerdict } from '../../../src/parsers/canonical/spam-verdict.js';
import { toScanStatus } from '../../../src/parsers/canonical/scan-status.js';
import { avThreatName, toAvStatus } from '../../../src/parsers/canonical/av-status.js';
import { toThreatStatus } from '../../../src/parsers/canonical/threat-status.js';
import { toActionType } from '../../../src/parsers/canonical/action.js';

describe('normalizeToken', () => {
  it('casefolds and strips _ - and whitespace (§8.5)', () => {
    for (const t of ['not_detected', 'not detected', 'NotDetected', 'NOT-DETECTED', ' Not\tDetected ']) {
      expect(normalizeToken(t)).toBe('notdetected');
    }
    expect(normalizeToken('KAS_STATUS_NOT_DETECTED')).toBe('kasstatusnotdetected');
    expect(normalizeToken('Verschlüsselt')).toBe('verschlüsselt');
  });
  it('is bounded on huge input', () => {
    expect(normalizeToken('a'.repeat(1_000_000)).length).toBe(256);
  });
  it('splits two-part values on the first ", " only (§8.1)', () => {
    expect(splitFirstComma('not scanned, disabled by settings')).toEqual(['not scanned', 'disabled by settings']);
    expect(splitFirstComma('Clean, bases: 2021/05/13 13:03:00, x')).toEqual(['Clean', 'bases: 2021/05/13 13:03:00, x']);
    expect(splitFirstComma('spam')).toEqual(['spam', undefined]);
    expect(splitFirstComma('a,b')).toEqual(['a,b', undefined]);
  });
});

describe('toSpamVerdict (§7.1)', () => {
  it.each([
    ['not_detected', 'clean'], ['not detected', 'clean'], ['NotDetected', 'clean'], ['Clean', 'clean'],
    ['Not Spam', 'clean'], ['Clean (Not Spam)', 'clean'], ['KAS_STATUS_NOT_DETECTED', 'clean'],
    ['spam', 'spam'], ['SPAM', 'spam'], ['Spam', 'spam'], ['KAS_STATUS_SPAM', 'spam'],
    ['probable_spam', 'suspect'], ['probable spam', 'suspect'], ['ProbableSpam', 'suspect'], ['Probable Spam', 'suspect'],
    ['KAS_STATUS_PROBABLE_SPAM', 'suspect'],
    ['blacklisted', 'blocklisted'], ['denylisted', 'blocklisted'], ['Denylisted', 'blocklisted'],
    ['KAS_STATUS_BLACKLISTED', 'blocklisted'], ['KAS_STATUS_BLACK', 'blocklisted'],
    ['trusted', 'allowlisted'], ['Trusted', 'allowlisted'], ['whitelisted', 'allowlisted'], ['KAS_STATUS_TRUSTED', 'allowlisted'],
    ['formal', 'formal'], ['KAS_STATUS_FORMAL', 'formal'],
    ['mass_mail', 'bulk'], ['massmail', 'bulk'], ['MASSMAIL', 'bulk'], ['mass mail', 'bulk'], ['mass mailing', 'bulk'],
    ['detected', 'spam'],
    ['Error', 'none'], ['Scan Error', 'none'], ['BasesError', 'none'], ['NotScanned', 'none'],
    ['not scanned, disabled by settings', 'none'], ['not scanned, license restriction', 'none'],
    ['not scanned, whitelist', 'allowlisted'], ['not scanned, allowlist', 'allowlisted'],
    ['not scanned, personal allowlist', 'allowlisted'], ['not scanned, blacklist', 'blocklisted'],
    ['not scanned, denylist', 'blocklisted'], ['not scanned, personal denylist', 'blocklisted'],
    ['Not detected', 'clean'], // legacy SpamTest
    // §7.7 localized aliases
    ['Möglicher Spam', 'suspect'], ['Potenzieller Spam', 'suspect'], ['Possível spam', 'suspect'],
    ['Provável spam', 'suspect'], ['Возможный спам', 'suspect'], ['Спам', 'spam'], ['Massenmail', 'bulk'],
    ['Massen-E-Mail', 'bulk'], ['Envio em massa', 'bulk'], ['Массовая рассылка', 'bulk'], ['Blockiert', 'blocklisted'],
    ['Auf der Sperrliste', 'blocklisted'], ['Na lista de bloqueio', 'blocklisted'], ['В черном списке', 'blocklisted'],
    ['Запрещённый', 'blocklisted'], ['Nicht untersucht', 'none'], ['Não verificado', 'none'], ['Не проверено', 'none'],
    ['Sauber', 'clean'], ['Limpo', 'clean'], ['Чистое', 'clean'], ['Fehler', 'none'],
  ])('%s → %s', (raw, verdict) => {
    expect(toSpamVerdict(raw)).toBe(verdict);
  });
  it('returns undefined for what it does not know', () => {
    expect(toSpamVerdict('maybe-later')).toBeUndefined();
    expect(toSpamVerdict('')).toBeUndefined();
  });
});

describe('toScanStatus (§7.2)', () => {
  it.each([
    ['scan successful', { status: 'complete' }], ['scan successfull', { status: 'complete' }],
    ['Scan successful', { status: 'complete' }], ['protection disabled', { status: 'disabled' }],
    ['not scanned', { status: 'disabled' }], ['Not Scanned', { status: 'disabled' }],
    ['not scanned, disabled by settings', { status: 'disabled', reason: 'settings' }],
    ['NotScanned, disabled by settings', { status: 'disabled', reason: 'settings' }],
    ['timeout expired', { status: 'timeout' }], ['size exceeded', { status: 'size_exceeded' }],
    ['size-limit', { status: 'size_exceeded' }], ['fallback', { status: 'fallback' }],
    ['not scanned, license restriction', { status: 'unlicensed', reason: 'license' }],
    ['not scanned, whitelist', { status: 'skipped', reason: 'allowlist' }],
    ['not scanned, allowlist', { status: 'skipped', reason: 'allowlist' }],
    ['not scanned, personal allowlist', { status: 'skipped', reason: 'personal_allowlist' }],
    ['not scanned, blacklist', { status: 'skipped', reason: 'denylist' }],
    ['not scanned, denylist', { status: 'skipped', reason: 'denylist' }],
    ['not scanned, personal denylist', { status: 'skipped', reason: 'personal_denylist' }],
    ['not scanned, policy', { status: 'skipped', reason: 'policy' }],
    ['not scanned, already processed by another module', { status: 'skipped', reason: 'already_processed' }],
    ['not scanned, nesting-level', { status: 'skipped', reason: 'nesting_level' }],
    ['nesting-level', { status: 'skipped', reason: 'nesting_level' }],
    ['filename', { status: 'skipped', reason: 'filename' }],
    ['not scanned, size-limit', { status: 'size_exceeded', reason: 'size' }],
    ['not scanned, something new', { status: 'skipped', reason: 'other' }],
    // A not-scanned reason that names a failure counts as that failure (the scan-incomplete rule's statuses).
    ['NotScanned, timeout expired', { status: 'timeout' }], ['not scanned, fallback', { status: 'fallback' }],
    ['NotScanned, Error', { status: 'error' }], ['NotScanned, protection disabled', { status: 'skipped', reason: 'other' }],
    ['Error', { status: 'error' }], ['Scan Error', { status: 'error' }], ['BasesError', { status: 'error' }],
    ['Unable to connect local ctasd', { status: 'error' }],
    ['no applicable attachment filtering rules found', { status: 'not_applicable' }],
    ['SKIPPED(no attachment in message)', { status: 'not_applicable' }],
    // pt-BR KSMG help 205767 translated the Interceptor-Info values; §7.7 aliases.
    ['Não verificado', { status: 'disabled' }], ['Tempo limite expirado', { status: 'timeout' }],
    ['Verificação bem-sucedida', { status: 'complete' }], ['Fallback', { status: 'fallback' }],
    ['Nicht untersucht', { status: 'disabled' }], ['Fehler', { status: 'error' }], ['Ошибка', { status: 'error' }],
  ])('%s', (raw, expected) => {
    expect(toScanStatus(raw)).toEqual(expected);
  });
  it('returns undefined for unknown phrases', () => {
    expect(toScanStatus('scan postponed')).toBeUndefined();
  });
});

describe('toAvStatus (§7.4)', () => {
  it.each([
    ['Clean', 'clean'], ['NotDetected', 'clean'], ['Not infected', 'clean'], ['CLEAN', 'clean'], ['clean', 'clean'],
    ['Infected', 'infected'], ['INFECTED', 'infected'], ['Infected with EICAR-Test-File', 'infected'],
    ['Infected (Win.Test.EICAR_HDB-1)', 'infected'], ['Probably Infected', 'suspicious'], ['Suspicious', 'suspicious'],
    ['Disinfected', 'disinfected'], ['Encrypted', 'encrypted'], ['Attachments with macros', 'macro'],
    ['Error', 'error'], ['Scan Error', 'error'], ['BasesError', 'error'], ['NotScanned', 'not_scanned'],
    ['not scanned, license restriction', 'not_scanned'], ['not_checked', 'not_scanned'],
    ['Clean, skipped', 'clean'], ['NotDetected, skipped', 'clean'],
    ['Infiziert', 'infected'], ['Fehler', 'error'], ['Verschlüsselt', 'encrypted'], ['Infectado', 'infected'],
    ['Erro', 'error'], ['Criptografado', 'encrypted'], ['Заражён', 'infected'], ['Заражено', 'infected'],
    ['Ошибка', 'error'], ['Зашифрован', 'encrypted'], ['Зашифровано', 'encrypted'], ['Sauber', 'clean'],
    ['Nicht infiziert', 'clean'], ['Limpo', 'clean'], ['Не заражено', 'clean'], ['Desinfiziert', 'disinfected'],
    ['Desinfectado', 'disinfected'], ['Вылечено', 'disinfected'],
  ])('%s → %s', (raw, status) => {
    expect(toAvStatus(raw)).toBe(status);
  });
  it('extracts threat names and rejects unknown tokens', () => {
    expect(avThreatName('Infected with EICAR-Test-File')).toBe('EICAR-Test-File');
    expect(avThreatName('Infected (Win.Test.EICAR_HDB-1)')).toBe('Win.Test.EICAR_HDB-1');
    expect(avThreatName('Infected')).toBeUndefined();
    expect(toAvStatus('Infectious')).toBeUndefined();
  });
});

describe('toThreatStatus (§7.5)', () => {
  it.each([
    ['Clean', 'clean'], ['NotDetected', 'clean'], ['Not Phishing', 'clean'], ['Phishing', 'phishing'],
    ['Malicious Link', 'malicious'], ['MALICIOUS_URL', 'malicious'], ['PHISHING_URL', 'phishing'],
    ['ADWARE_URL', 'suspicious'], ['RISKWARE_URL', 'suspicious'], ['Scan Error', 'error'], ['Error', 'error'],
    ['not scanned, whitelist', 'not_scanned'], ['Not Scanned', 'not_scanned'],
    ['Clean, bases: 2021/05/13 13:03:00', 'clean'], ['Фишинг', 'phishing'],
  ])('%s → %s', (raw, status) => {
    expect(toThreatStatus(raw)).toBe(status);
  });
  it('reads the guessed Detected token per module', () => {
    expect(toThreatStatus('Detected', 'phishing')).toBe('phishing');
    expect(toThreatStatus('Detected, bases: 2025/04/07 11:03:00', 'links')).toBe('malicious');
    expect(toThreatStatus('Detected', 'sandbox')).toBe('malicious');
    expect(toThreatStatus('Weird')).toBeUndefined();
  });
});

describe('toActionType (§7.6)', () => {
  it.each([
    ['clean', 'deliver'], ['skipped', 'deliver'], ['Skipped', 'deliver'], ['no action', 'deliver'],
    ['add header', 'tag'], ['rewrite subject', 'tag'], ['attachment removed', 'modify'],
    ['AttachmentsDeleted', 'modify'], ['Disinfected', 'modify'], ['disinfected', 'modify'],
    ['quarantine', 'quarantine'], ['rejected', 'reject'], ['Rejected', 'reject'], ['reject', 'reject'],
    ['deleted', 'drop'], ['Deleted', 'drop'], ['discard', 'drop'], ['greylist', 'defer'], ['soft reject', 'defer'],
    ['skipped, AntiSpam', 'deliver'],
  ])('%s → %s', (raw, type) => {
    expect(toActionType(raw)).toBe(type);
  });
  it('returns undefined for unknown actions', () => {
    expect(toActionType('teleported')).toBeUndefined();
  });
});
