// Every gateway id a parser can report (GatewayResult.id). The configuration's `gateway:` and `--gateway` must
// name one of these; a unit test checks the list against the parsers' output on every fixture.
export const GATEWAY_IDS: readonly string[] = [
  'ksmg', 'klms', 'kse', 'spamtest', 'imail', 'ctch', 'eop', 'exchange', 'spamassassin', 'amavis', 'clamav', 'rspamd',
  'proofpoint', 'barracuda', 'bess', 'trendmicro', 'ironport', 'mimecast', 'sophos', 'fortimail', 'fortigate', 'declude',
  'messagesniffer', 'symantec', 'cloudmark', 'bogofilter',
];
