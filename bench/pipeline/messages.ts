// Bench messages: the parse bench's 'realistic' header blocks (bench/corpus.ts: ~4.4–5 KB, every fixture
// wrapped in transport headers, distinct per copy, seeded) each completed with a small body, so that a
// multipart Content-Type gets real parts (text/plain + text/html with their own MIME headers: the
// collector's second FETCH of BODY[n.MIME] is exercised as in a real quarantine).
import { buildCorpus } from '../corpus.js';

export interface BenchMessage {
  raw: Buffer;
  /** The header block (what the collector fetches), for the local `_id`. */
  block: Buffer;
  internalDate: Date;
}

export interface BenchMessages {
  messages: BenchMessage[];
  avgHeaderBytes: number;
  avgMessageBytes: number;
  fixtures: number;
  multipart: number;
  built: string;
}

const BASE_DATE = Date.UTC(2026, 9, 1);

/** Header-field value of `boundary=` in the Content-Type, when it is multipart (simple scan, no regex backtracking). */
export function multipartBoundary(block: Buffer): string | undefined {
  const text = block.toString('latin1');
  const lower = text.toLowerCase();
  const ct = lower.search(/(^|\n)content-type:[ \t]*multipart\//);
  if (ct === -1) return undefined;
  const at = lower.indexOf('boundary=', ct);
  if (at === -1) return undefined;
  let i = at + 'boundary='.length;
  const quoted = text[i] === '"';
  if (quoted) i++;
  let end = i;
  while (end < text.length && end - i < 200) {
    const c = text[end] as string;
    if (quoted ? c === '"' : c === ';' || c === ' ' || c === '\t' || c === '\r' || c === '\n') break;
    end++;
  }
  const b = text.slice(i, end);
  return b.length > 0 ? b : undefined;
}

function body(boundary: string | undefined, i: number): string {
  const text = `Your message ${i} was held in quarantine.\r\nRelease it from the portal if you expected it.\r\n`;
  if (boundary === undefined) return text;
  return `This is a multi-part message in MIME format.\r\n\r\n--${boundary}\r\n` +
    'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n' + text +
    `\r\n--${boundary}\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n` +
    `<html><body><p>Your message ${i} was held in quarantine.</p></body></html>\r\n--${boundary}--\r\n`;
}

/** Messages `start` … `start + count - 1` (by index alone: chunks of a large run equal one big build). */
export function buildBenchMessages(count: number, start = 0): BenchMessages {
  const corpus = buildCorpus(count, 'realistic', start);
  const messages: BenchMessage[] = [];
  let headerBytes = 0;
  let messageBytes = 0;
  let multipart = 0;
  corpus.blocks.forEach((block, k) => {
    const i = start + k;
    const boundary = multipartBoundary(block);
    if (boundary !== undefined) multipart++;
    const raw = Buffer.concat([block, Buffer.from(body(boundary, i), 'latin1')]);
    headerBytes += block.length;
    messageBytes += raw.length;
    messages.push({ raw, block, internalDate: new Date(BASE_DATE + i * 1000) });
  });
  return {
    messages,
    avgHeaderBytes: Math.round(headerBytes / Math.max(1, count)),
    avgMessageBytes: Math.round(messageBytes / Math.max(1, count)),
    fixtures: corpus.fixtures,
    multipart,
    built: `bench/corpus.ts 'realistic' header blocks (${corpus.built}) + a short body (text/plain and text/html parts when multipart)`,
  };
}

/** The messages 0 … total-1 in chunks of `chunk`, built one chunk at a time (a million never sit in memory). */
export function* benchMessageChunks(total: number, chunk: number): Generator<BenchMessages> {
  for (let start = 0; start < total; start += chunk) yield buildBenchMessages(Math.min(chunk, total - start), start);
}
