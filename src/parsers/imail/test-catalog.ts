// The IMail anti-spam tests (docs/gateways.md §4, IMail help "Spam X-Header Explanations"): header-name variants → one canonical test,
// with the argument layouts seen across versions. Header present = that test fired.

export interface ImailTest {
  /** Canonical rule name written to spam.rules. */
  readonly rule: string;
  /** Split the tuple into at most this many fields; the last keeps its commas. */
  readonly maxFields: number;
  /** Field counts seen in the docs (2004 / 2006 / v11–v12 / real mail). */
  readonly arities: readonly number[];
  /** Blocklist kind written as `<kind>:<service>` into blocklists. */
  readonly blocklist?: string;
  /** Field that names the blocklist service; `-1` means the last field. */
  readonly serviceField?: 0 | -1;
  /** Where the IMail msg id sits: `first-of-2` = first field only in the newer two-field layout. */
  readonly idAt: 'first' | 'second' | 'first-of-2' | 'none';
}

const TESTS: readonly (readonly [readonly string[], ImailTest])[] = [
  [['addrbl'], { rule: 'ADDRBL', maxFields: 3, arities: [3], blocklist: 'addrbl', serviceField: 0, idAt: 'second' }],
  [['dnsbl'], { rule: 'DNSBL', maxFields: 3, arities: [3], blocklist: 'dnsbl', serviceField: 0, idAt: 'second' }],
  [['helobl'], { rule: 'HELOBL', maxFields: 3, arities: [3], blocklist: 'helobl', serviceField: 0, idAt: 'second' }],
  [['rhsbl'], { rule: 'RHSBL', maxFields: 3, arities: [3], blocklist: 'rhsbl', serviceField: 0, idAt: 'second' }],
  // 2004: `(<service>)`; 2006+: `(<msg id>,<service>)`
  [['ip4r'], { rule: 'IP4R', maxFields: 2, arities: [1, 2], blocklist: 'ip4r', serviceField: -1, idAt: 'first-of-2' }],
  [['helodomain'], { rule: 'HELODOMAIN', maxFields: 2, arities: [1, 2], idAt: 'first-of-2' }],
  [['invalidfrom'], { rule: 'INVALIDFROM', maxFields: 2, arities: [1, 2], idAt: 'first-of-2' }],
  [['statistics', 'statistic'], { rule: 'STATISTICS', maxFields: 2, arities: [2], idAt: 'first' }],
  [['revdns'], { rule: 'REVDNS', maxFields: 1, arities: [1], idAt: 'none' }],
  // 2004: `(<msg id>)`; later `(<msg id>,<phrase>)` where the phrase may hold commas
  [['phrase'], { rule: 'PHRASE', maxFields: 2, arities: [1, 2], idAt: 'first' }],
  [['valfrom'], { rule: 'VALFROM', maxFields: 1, arities: [1], idAt: 'first' }],
  [['valrevdns'], { rule: 'VALREVDNS', maxFields: 1, arities: [1], idAt: 'first' }],
  // documented without arguments, real mail carries `(<msg id>)`
  [['valhelo'], { rule: 'VALHELO', maxFields: 1, arities: [0, 1], idAt: 'first' }],
  [['html-features', 'features'], { rule: 'HTML-FEATURES', maxFields: 2, arities: [2], idAt: 'first' }],
  [['url-dbl'], { rule: 'URL-DBL', maxFields: 2, arities: [2], idAt: 'first' }],
  [['premium'], { rule: 'Premium', maxFields: 1, arities: [0], idAt: 'none' }],
];

const BY_NAME: ReadonlyMap<string, ImailTest> = new Map(TESTS.flatMap(([names, test]) => names.map((n) => [n, test] as const)));

/** `name` is the part after `x-imail-spam-`, lowercased; `_` is read as `-` (HTML_FEATURES ≡ HTML-FEATURES). */
export function findImailTest(name: string): ImailTest | undefined {
  return BY_NAME.get(name.replaceAll('_', '-'));
}

/** Premium (Commtouch) class headers: X-IMAIL-SPAM-CONFIRMED, -BULK, -SUSPECTED, -UNKNOWN. */
export const IMAIL_CLASS_HEADERS: ReadonlySet<string> = new Set(['confirmed', 'bulk', 'suspected', 'unknown']);
