// Bench corpora, both built from the header block (header section + empty line) of every fixture .eml
// except the hostile ones, each copy made distinct (no cache can help any contender). Header blocks,
// because that is what the IMAP collector fetches.
// - 'realistic': each fixture block wrapped in the transport headers a real quarantined message carries
//   (~4.4 KB per block): Return-Path, Delivered-To, a final-hop Received on top, then the
//   fixture's gateway headers, then the external path: Authentication-Results, one ARC set, 3 Received
//   hops, X-Received, one or two DKIM-Signatures, List-*, Feedback-ID, X-Mailer, MIME-Version/Content-Type
//   when the fixture has none. Signatures, ids and hosts are pseudo-random per copy (seeded, so the
//   corpus is the same on every run).
// - 'small': the fixture block with one Received and an X-Bench-Copy line on top (the corpus used before,
//   ~690 B per block), kept as a second row set.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

export type CorpusKind = 'realistic' | 'small';

export interface Corpus {
  kind: CorpusKind;
  blocks: Buffer[];
  fixtures: number;
  bytes: number;
  /** How the corpus was built, for the results file. */
  built: string;
}

function headerBlock(raw: Buffer): Buffer {
  const cut = [raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].filter((x) => x >= 0);
  if (cut.length === 0) return Buffer.concat([raw, Buffer.from('\r\n\r\n')]);
  const at = Math.min(...cut);
  return raw.subarray(0, at + (raw[at] === 13 ? 4 : 2));
}

function fixtureBlocks(): Buffer[] {
  const bases: Buffer[] = [];
  for (const dir of readdirSync(FIXTURES, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!dir.isDirectory() || dir.name === 'hostile') continue;
    for (const f of readdirSync(join(FIXTURES, dir.name)).filter((x) => x.endsWith('.eml')).sort()) {
      bases.push(headerBlock(readFileSync(join(FIXTURES, dir.name, f))));
    }
  }
  if (bases.length === 0) throw new Error('no fixture .eml files found under test/fixtures');
  return bases;
}

/**
 * Copies `start` … `start + size - 1` of the corpus: each copy depends on its index only, so a large corpus can
 * be built in chunks that together equal buildCorpus(total).
 */
export function buildCorpus(size: number, kind: CorpusKind = 'realistic', start = 0): Corpus {
  const bases = fixtureBlocks();
  const blocks: Buffer[] = [];
  let bytes = 0;
  for (let i = start; i < start + size; i++) {
    const base = bases[i % bases.length] as Buffer;
    const block = kind === 'small' ? smallBlock(base, i) : realisticBlock(base, i);
    blocks.push(block);
    bytes += block.length;
  }
  const built = kind === 'small'
    ? 'fixture header block + one Received + X-Bench-Copy on top'
    : 'Return-Path, Delivered-To, final-hop Received, fixture header block (gateway headers), then Authentication-Results, ' +
      'ARC-Seal/ARC-Message-Signature/ARC-Authentication-Results, 3 Received hops, X-Received, DKIM-Signature (a second one on every other copy), ' +
      'List-Id/List-Unsubscribe/List-Unsubscribe-Post, Feedback-ID, X-Mailer, MIME-Version/Content-Type if absent; ' +
      'pseudo-random (seeded) per copy, CRLF';
  return { kind, blocks, fixtures: bases.length, bytes, built };
}

function smallBlock(base: Buffer, i: number): Buffer {
  const day = 1 + (i % 28);
  const prefix = Buffer.from(
    `Received: from relay${i % 97}.example.net by mx.example.com; Mon, ${day} Apr 2026 ${pad(i % 24)}:${pad(i % 60)}:00 +0000\r\n` +
      `X-Bench-Copy: ${i}\r\n`,
  );
  return Buffer.concat([prefix, base]);
}

/** Small deterministic PRNG (mulberry32): same corpus every run, different bytes per copy. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';
const DOMAINS = ['example.com', 'news.example.net', 'mailer.example.org', 'corp.example', 'shop.example.co.uk'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function chars(r: () => number, alphabet: string, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

/** Base64 text folded the way signers fold it: 72-char chunks on continuation lines. */
function folded(text: string, width = 72): string {
  let out = '';
  for (let k = 0; k < text.length; k += width) out += `\r\n\t${text.slice(k, k + width)}`;
  return out;
}

function ip(r: () => number): string {
  return `${Math.floor(r() * 223) + 1}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 254) + 1}`;
}

function rfcDate(t: number): string {
  const d = new Date(t);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function realisticBlock(base: Buffer, i: number): Buffer {
  const r = rng(0x9e3779b9 ^ (i * 2654435761));
  const domain = pick(r, DOMAINS);
  const t = Date.UTC(2026, 0, 1) + Math.floor(r() * 300 * 86400) * 1000;
  const qid = chars(r, HEX, 12).toUpperCase();
  const top =
    `Return-Path: <bounce-${chars(r, HEX, 16)}@${domain}>\r\n` +
    `Delivered-To: quarantine@mail.example.org\r\n` +
    `Received: from gw${i % 7}.example.org (gw${i % 7}.example.org [10.0.${i % 250}.${(i * 7) % 250}])\r\n` +
    `\tby store${i % 3}.example.org (Postfix) with ESMTPS id ${qid}\r\n` +
    `\tfor <quarantine@mail.example.org>; ${rfcDate(t + 4000)}\r\n`;

  const s = (n: number) => chars(r, B64, n);
  const relay = `mta${Math.floor(r() * 40)}.${domain}`;
  const relayIp = ip(r);
  const au =
    `mx.example.org; dkim=pass header.d=${domain} header.s=s${i % 4} header.b=${s(8)};\r\n` +
    `\tspf=pass (mx.example.org: domain of bounce@${domain} designates ${relayIp} as permitted sender) smtp.mailfrom=${domain};\r\n` +
    `\tdmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=${domain}`;
  const hops: string[] = [];
  let ht = t + 3000;
  for (let h = 0; h < 3; h++) {
    ht -= Math.floor(r() * 800);
    hops.push(
      `Received: from ${h === 2 ? `[${ip(r)}]` : `relay${h}.${domain}`} (${h === 2 ? 'unknown' : `relay${h}.${domain}`} [${ip(r)}])\r\n` +
        `\tby ${h === 0 ? 'mx.example.org' : `relay${h - 1}.${domain}`} (Postfix) with ESMTPS id ${chars(r, HEX, 11).toUpperCase()}\r\n` +
        `\t(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)\r\n` +
        `\tfor <user${i % 500}@example.org>; ${rfcDate(ht)}\r\n`,
    );
  }
  const dkim = (d: string, sel: string) =>
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${d}; s=${sel}; t=${Math.floor(t / 1000) - 60};\r\n` +
    `\th=from:to:subject:date:message-id:mime-version:content-type:list-unsubscribe:list-unsubscribe-post:feedback-id;\r\n` +
    `\tbh=${s(43)}=;\r\n\tb=${folded(s(344)).slice(3)}\r\n`;
  const bottom =
    `Authentication-Results: ${au}\r\n` +
    `ARC-Seal: i=1; a=rsa-sha256; t=${Math.floor(t / 1000)}; cv=none; d=${domain}; s=arc-2026;\r\n\tb=${folded(s(344)).slice(3)}\r\n` +
    `ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=arc-2026;\r\n` +
    `\th=feedback-id:list-unsubscribe-post:list-unsubscribe:mime-version:subject:message-id:to:from:date:dkim-signature;\r\n` +
    `\tbh=${s(43)}=;\r\n\tb=${folded(s(344)).slice(3)}\r\n` +
    `ARC-Authentication-Results: i=1; ${au}\r\n` +
    hops.join('') +
    `X-Received: by 2002:a05:6214:${chars(r, HEX, 4)}:b0:${chars(r, HEX, 3)}:${chars(r, HEX, 4)} with SMTP id ${s(22)}.${Math.floor(r() * 1000)}.${rfcDate(ht - 500)}\r\n` +
    dkim(domain, `s${i % 4}`) +
    (i % 2 === 0 ? dkim(`esp${i % 9}.example.net`, 'esp2026') : '') +
    `List-Id: <newsletter-${i % 31}.${domain}>\r\n` +
    `List-Unsubscribe: <https://${domain}/u/${s(48).replace(/[+/]/g, 'x')}>,\r\n\t<mailto:unsubscribe-${chars(r, HEX, 24)}@${domain}>\r\n` +
    `List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n` +
    `Feedback-ID: ${Math.floor(r() * 1e6)}:campaign-${i % 97}:${domain}:esp\r\n` +
    `X-Mailer: ESP Mailer 4.${i % 10}\r\n` +
    `X-Originating-IP: [${relayIp}]\r\n`;

  // Fixture block without its empty line; add MIME headers only when the fixture has none.
  // Line ends made CRLF throughout, as IMAP delivers them.
  const text = base.toString('latin1').replace(/\r?\n/g, '\r\n');
  const core = text.endsWith('\r\n\r\n') ? text.slice(0, -2) : text;
  const mime = /^content-type:/im.test(core)
    ? ''
    : `MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b1_${chars(r, HEX, 32)}"\r\n`;
  return Buffer.concat([Buffer.from(top, 'latin1'), Buffer.from(core, 'latin1'), Buffer.from(bottom + mime + '\r\n', 'latin1')]);
}
