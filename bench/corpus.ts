// Bench corpus: the header block (header section + empty line) of every fixture .eml except the hostile
// ones, repeated with a varying Received line and copy number so each copy is a distinct block
// (no cache can help any contender). Header blocks, because that is what the IMAP collector fetches.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

export interface Corpus {
  blocks: Buffer[];
  fixtures: number;
  bytes: number;
}

function headerBlock(raw: Buffer): Buffer {
  const cut = [raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].filter((x) => x >= 0);
  if (cut.length === 0) return Buffer.concat([raw, Buffer.from('\r\n\r\n')]);
  const at = Math.min(...cut);
  return raw.subarray(0, at + (raw[at] === 13 ? 4 : 2));
}

export function buildCorpus(size: number): Corpus {
  const bases: Buffer[] = [];
  for (const dir of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'hostile') continue;
    for (const f of readdirSync(join(FIXTURES, dir.name)).filter((x) => x.endsWith('.eml')).sort()) {
      bases.push(headerBlock(readFileSync(join(FIXTURES, dir.name, f))));
    }
  }
  if (bases.length === 0) throw new Error('no fixture .eml files found under test/fixtures');
  const blocks: Buffer[] = [];
  let bytes = 0;
  for (let i = 0; i < size; i++) {
    const base = bases[i % bases.length] as Buffer;
    const day = 1 + (i % 28);
    const prefix = Buffer.from(
      `Received: from relay${i % 97}.example.net by mx.example.com; Mon, ${day} Apr 2026 ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00 +0000\r\n` +
        `X-Bench-Copy: ${i}\r\n`,
    );
    const block = Buffer.concat([prefix, base]);
    blocks.push(block);
    bytes += block.length;
  }
  return { blocks, fixtures: bases.length, bytes };
}
