// One `Received:` trace field → who handed the message to whom (RFC 5321 §4.4):
//   Stamp           = From-domain By-domain Opt-info [CFWS] ";" FWS date-time
//   From-domain     = "FROM" FWS Extended-Domain
//   By-domain       = CFWS "BY" FWS Extended-Domain
//   Extended-Domain = Domain / ( Domain FWS "(" TCP-info ")" ) / ( address-literal FWS "(" TCP-info ")" )
//   TCP-info        = address-literal / ( Domain FWS address-literal )
// Real stamps bend this (Exim `from [192.0.2.1] (helo=x)`, amavis `by localhost (mail.example.org [127.0.0.1])
// (amavisd-new, port 10024)`, `from x ([192.0.2.1])`), so only what the grammar names is read: the domain after
// `from`/`by` and the first comment right after it. Anything that is not a host name or address is dropped.
import { Buffer } from 'node:buffer';
import { isIP } from 'node:net';
import { BACKSLASH, CLOSE, CR, LF, OPEN, SEMICOLON, SPACE, TAB } from './char-codes.js';

export interface ReceivedPeer {
  /** The Domain (or address literal's address) written after `from` / `by`, lowercased. */
  name?: string;
  /** Domain inside the TCP-info comment (the reverse-DNS name for `from`), lowercased. */
  infoName?: string;
  /** Address from an address literal in the name or in the TCP-info comment. */
  ip?: string;
}

export interface ReceivedHop {
  from?: ReceivedPeer;
  by?: ReceivedPeer;
}

/** Most characters of a stamp looked at: a trace field is a line or two. */
const MAX_CHARS = 2048;
/** The clause keywords of Opt-info: they end the `by` part. */
const CLAUSE_WORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/;

interface Token {
  text: string;
  comment: boolean;
}


/** Atoms and top-level comments, up to the `;` that starts the date. Nested comments stay inside theirs. */
function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  const text = value.length > MAX_CHARS ? value.slice(0, MAX_CHARS) : value;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SEMICOLON) break;
    if (c === SPACE || c === TAB || c === CR || c === LF) {
      i++;
      continue;
    }
    if (c === OPEN) {
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) j++;
        else if (d === OPEN) depth++;
        else if (d === CLOSE && --depth === 0) break;
      }
      tokens.push({ text: text.slice(i + 1, Math.min(j, n)), comment: true });
      i = j + 1;
      continue;
    }
    let j = i;
    for (; j < n; j++) {
      const d = text.charCodeAt(j);
      if (d === SPACE || d === TAB || d === CR || d === LF || d === OPEN || d === SEMICOLON) break;
    }
    tokens.push({ text: text.slice(i, j), comment: false });
    i = j;
  }
  return tokens;
}

/**
 * isIP(text) without running the IPv6 pattern on every host name: an IPv6 address has a colon and an IPv4
 * one is digits and dots only, so anything else is no address.
 */
function ipVersion(text: string): number {
  if (text.indexOf(':') === -1 && !DIGITS_AND_DOTS.test(text)) return 0;
  return isIP(text);
}
const DIGITS_AND_DOTS = /^[\d.]+$/;

/** `[192.0.2.1]`, `[IPv6:2001:db8::1]` → the address; anything else → undefined. */
export function addressLiteral(text: string): string | undefined {
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  let inner = text.slice(1, -1).trim();
  if (inner.toLowerCase().startsWith('ipv6:')) inner = inner.slice(5);
  return isIP(inner) === 0 ? undefined : inner.toLowerCase();
}

/**
 * Host names seen before (the same relays and gateways stamp every message of a mailbox), with the answer:
 * the name, or null for text that is none. Bounded: hostile input cannot grow it past this.
 */
const MAX_CACHED_HOSTS = 4096;
const knownHosts = new Map<string, string | null>();

export function hostName(text: string): string | undefined {
  const known = knownHosts.get(text);
  if (known !== undefined) return known ?? undefined;
  let lower = text.toLowerCase();
  if (lower.endsWith('.')) lower = lower.slice(0, -1);
  const name = HOST_NAME.test(lower) && ipVersion(lower) === 0 ? lower : undefined;
  // Own copies: a key or value sliced from a header would keep that whole header text alive.
  if (knownHosts.size < MAX_CACHED_HOSTS && text.length <= 253) knownHosts.set(copyOf(text), name === undefined ? null : copyOf(name));
  return name;
}

function copyOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** TCP-info: `[ip]`, `domain [ip]` (or a bare ip); Exim-style `helo=x` comments and free text give nothing. */
function readTcpInfo(comment: string): { name?: string; ip?: string } | undefined {
  let name: string | undefined;
  for (const w of comment.trim().split(/\s+/).slice(0, 4)) {
    // Exchange writes the address without brackets: `from host (10.1.1.2) by …`.
    const ip = addressLiteral(w) ?? (ipVersion(w) === 0 ? undefined : w.toLowerCase());
    if (ip !== undefined) return name === undefined ? { ip } : { name, ip };
    name ??= hostName(w);
  }
  // A domain without an address is not TCP-info (`(Postfix)`, `(HELO x)`, `(amavisd-new, port 10024)`).
  return undefined;
}

function readPeer(tokens: readonly Token[], at: number): ReceivedPeer | undefined {
  const first = tokens[at];
  if (first === undefined || first.comment) return undefined;
  const peer: ReceivedPeer = {};
  const literal = addressLiteral(first.text);
  if (literal !== undefined) peer.ip = literal;
  else {
    const name = hostName(first.text);
    if (name !== undefined) peer.name = name;
  }
  // The first comment after the domain that holds an address (`(HELO x) ([192.0.2.1])` has it second).
  for (let i = at + 1; i < tokens.length && i <= at + 3 && (tokens[i] as Token).comment; i++) {
    const info = readTcpInfo((tokens[i] as Token).text);
    if (info === undefined) continue;
    if (info.ip !== undefined) peer.ip ??= info.ip;
    if (info.name !== undefined) peer.infoName = info.name;
    break;
  }
  return peer.name === undefined && peer.ip === undefined && peer.infoName === undefined ? undefined : peer;
}

/** A Received value → its `from` and `by` peers (either may be missing). Never throws. */
export function parseReceived(value: string): ReceivedHop {
  const tokens = tokenize(value);
  const hop: ReceivedHop = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.comment) continue;
    const word = t.text.toLowerCase();
    if (word === 'from' && hop.from === undefined && hop.by === undefined) {
      const peer = readPeer(tokens, i + 1);
      if (peer !== undefined) hop.from = peer;
    } else if (word === 'by' && hop.by === undefined) {
      const peer = readPeer(tokens, i + 1);
      if (peer !== undefined) hop.by = peer;
    } else if (hop.by !== undefined && CLAUSE_WORDS.has(word)) {
      break;
    }
  }
  return hop;
}

/** localhost, localhost.localdomain, 127/8, ::1: names that say "this machine", not which one. */
export function isLoopbackName(name: string | undefined): boolean {
  if (name === undefined) return false;
  return name === 'localhost' || name.startsWith('localhost.') || isLoopbackIp(name);
}

export function isLoopbackIp(ip: string | undefined): boolean {
  if (ip === undefined) return false;
  return ip === '::1' || ip.startsWith('127.') || ip === '::ffff:127.0.0.1';
}
