// Authentication-Results (RFC 8601), ARC-Authentication-Results (RFC 8617) and Received-SPF (RFC 7208):
// auth findings (spf / dkim / dmarc) that fill mailverdict.auth when the gateway's own header does not.
//   Authentication-Results: mx.example.com; dkim=pass (1024-bit key; unprotected) header.d=example.org; spf=pass smtp.mailfrom=example.org
// Each header is one finding at its own position; the topmost finding wins downstream.
import type { AuthFinding, ParserOutput, VendorParser } from './types.js';
import type { HeaderBlock, HeaderField } from '../headers/types.js';
import { parseAuthenticationResults } from './auth/parse-authentication-results.js';
import { parseReceivedSpf } from './auth/parse-received-spf.js';
import { buildAuthResult, resInfosToAuth } from './auth/to-auth-finding.js';

const AR = 'authentication-results';
const ARC_AR = 'arc-authentication-results';
const RECEIVED_SPF = 'received-spf';
/** Bound on headers read per name: a block of 10,000 Received-SPF lines must not cost 10,000 parses. */
const MAX_HEADERS_PER_NAME = 50;

const NO_FIELDS: readonly HeaderField[] = [];

function fieldsOf(block: HeaderBlock, name: string): readonly HeaderField[] {
  const fields = block.byName.get(name);
  if (fields === undefined) return NO_FIELDS;
  return fields.length > MAX_HEADERS_PER_NAME ? fields.slice(0, MAX_HEADERS_PER_NAME) : fields;
}

function readAuthResults(field: HeaderField, arc: boolean, warnings: string[]): AuthFinding | undefined {
  const name = arc ? ARC_AR : AR;
  const parsed = parseAuthenticationResults(field.value, arc);
  for (const problem of parsed.problems) warnings.push(`${name}:${problem}`);
  if (parsed.results.length === 0) return undefined;
  const instance = parsed.instance === undefined ? '' : ` i=${parsed.instance}`;
  const source = parsed.authservId === undefined ? `${name}${instance}` : `${name}${instance} (${parsed.authservId})`;
  const auth = resInfosToAuth(parsed.results, source, warnings, name);
  if (Object.keys(auth).length === 0) return undefined;
  return { auth, position: field.index };
}

function readReceivedSpf(field: HeaderField, warnings: string[]): AuthFinding | undefined {
  const parsed = parseReceivedSpf(field.value);
  for (const problem of parsed.problems) warnings.push(`${RECEIVED_SPF}:${problem}`);
  if (parsed.result === undefined) return undefined;
  // policyd-spf writes `receiver=<UNKNOWN>` when it does not know its own name
  const receiver = parsed.props['receiver'];
  const named = receiver !== undefined && receiver !== '' && !receiver.startsWith('<');
  const source = named ? `${RECEIVED_SPF} (${receiver.slice(0, 253)})` : RECEIVED_SPF;
  const spf = buildAuthResult('spf', parsed.result, field.value.trim(), source, warnings, RECEIVED_SPF);
  if (Object.keys(parsed.props).length > 0) spf.props = { ...parsed.props };
  return { auth: { spf }, position: field.index };
}

export const authenticationResultsParser: VendorParser = {
  id: 'authres',
  headerNames: [AR, ARC_AR, RECEIVED_SPF],
  headerPrefixes: [],
  parse(block: HeaderBlock): ParserOutput {
    const warnings: string[] = [];
    const auth: AuthFinding[] = [];
    const add = (finding: AuthFinding | undefined): void => {
      if (finding !== undefined) auth.push(finding);
    };
    for (const field of fieldsOf(block, AR)) add(readAuthResults(field, false, warnings));
    for (const field of fieldsOf(block, ARC_AR)) add(readAuthResults(field, true, warnings));
    for (const field of fieldsOf(block, RECEIVED_SPF)) add(readReceivedSpf(field, warnings));
    auth.sort((a, b) => a.position - b.position);
    return { gateways: [], auth, warnings };
  },
};
