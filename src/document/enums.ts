// Canonical value sets of the document contract (docs/gateways.md §6). Dashboards and alerts depend on them.

export const SPAM_VERDICTS = ['clean', 'suspect', 'spam', 'bulk', 'blocklisted', 'allowlisted', 'formal', 'none', 'unknown'] as const;
export type SpamVerdict = (typeof SPAM_VERDICTS)[number];

export const SCAN_STATUSES = [
  'complete', 'disabled', 'skipped', 'unlicensed', 'size_exceeded', 'timeout', 'fallback', 'error', 'not_applicable', 'unknown',
] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** Scan statuses that mean mail went through without a finished anti-spam scan. */
export const INCOMPLETE_SCAN_STATUSES: readonly ScanStatus[] = ['timeout', 'fallback', 'error'];

export const SCAN_REASONS = [
  'settings', 'allowlist', 'denylist', 'personal_allowlist', 'personal_denylist', 'policy', 'already_processed',
  'nesting_level', 'filename', 'license', 'size', 'other',
] as const;
export type ScanReason = (typeof SCAN_REASONS)[number];

export const AUTH_RESULTS = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy', 'unknown'] as const;
export type AuthResultValue = (typeof AUTH_RESULTS)[number];

export const AV_STATUSES = ['clean', 'infected', 'suspicious', 'disinfected', 'encrypted', 'macro', 'error', 'not_scanned', 'unknown'] as const;
export type AvStatus = (typeof AV_STATUSES)[number];

/** Shared by phishing, link scanning and sandbox results. */
export const THREAT_STATUSES = ['clean', 'phishing', 'malicious', 'suspicious', 'error', 'not_scanned', 'unknown'] as const;
export type ThreatStatus = (typeof THREAT_STATUSES)[number];

export const ACTION_TYPES = ['deliver', 'tag', 'modify', 'quarantine', 'reject', 'drop', 'defer', 'unknown'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const SPAM_SCALES = [
  'kaspersky_rate_0_100', 'sa_points', 'rspamd_points', 'barracuda_points', 'scl_-1_9', 'bcl_0_9', 'probability_0_1',
  'percent_0_100', 'trend_points', 'proofpoint_0_100', 'mimecast', 'ctch_score', 'imail_probability',
  'declude_weight',
] as const;
export type SpamScale = (typeof SPAM_SCALES)[number];
