// Parse bench: header blocks per second for
//  (a) mailverdict's full parse to a document: parseMessage(block) = find the header end, split, unfold,
//      decode, detect and run every vendor parser, build the document, compute the sha256 `_id`;
//  (b) the bare line split of the same bytes, the ceiling: `buf.toString('utf8').split('\n').length`, i.e.
//      decode the bytes to a JS string and split it into lines — no names, no unfolding, nothing else;
//  (c) mailparser's simpleParser on the same bytes (what one would otherwise write);
// plus diagnostic stages (splitHeaderBlock alone, parseFetched = the IMAP collector's entry point).
// Two corpora (bench/corpus.ts): 'realistic' (~4.4–5 KB blocks with transport headers, the headline) and
// 'small' (the fixture blocks alone, ~690 B). Every contender is measured in interleaved rounds (a burst of
// load from other processes on the two shared cores hits them alike); the median round is reported.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as crypto from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { documentId } from '../src/document/document-id.js';
import { splitHeaderBlock } from '../src/headers/split-header-block.js';
import { parseFetched, parseMessage } from '../src/parse/parse-message.js';
import { buildCorpus, REPO_ROOT, type CorpusKind } from './corpus.js';
import { rate, rateAsync } from './measure.js';

const CORPUS_SIZE = 5000;
const ROUNDS = 5;
const TARGET_VS_BARE = 0.4;
const TARGET_VS_SIMPLEPARSER = 20;
const NO_PARTS: readonly { path: string; raw: Uint8Array }[] = [];

async function benchCorpus(kind: CorpusKind) {
  const corpus = buildCorpus(CORPUS_SIZE, kind);
  const blocks = corpus.blocks;
  const context = { origin: { kind: 'file' as const, path: 'bench.eml' }, now: new Date('2026-06-01T00:00:00Z') };

  const rounds = {
    bare: [] as number[],
    parser: [] as number[],
    fetched: [] as number[],
    split: [] as number[],
    id: [] as number[],
    sha256: [] as number[],
    simple: [] as number[],
  };
  // One unmeasured round first: JIT tiers and heap sizing settle (first rounds ran at half speed or less
  // for parser and simpleParser alike); the worker is a long-running process, steady state is what counts.
  const contenders = {
    bare: (b: Buffer) => b.toString('utf8').split('\n').length,
    parser: (b: Buffer) => parseMessage(b, context).id,
    fetched: (b: Buffer) => parseFetched(b, NO_PARTS, context).id,
    split: (b: Buffer) => splitHeaderBlock(b).fields.length,
    id: (b: Buffer) => documentId(b),
    sha256: (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex'),
  };
  for (const fn of Object.values(contenders)) rate(blocks, fn, 1, 600);
  await rateAsync(blocks, (b) => simpleParser(b), 1500);

  for (let round = 0; round < ROUNDS; round++) {
    rounds.bare.push(rate(blocks, contenders.bare, 1));
    rounds.parser.push(rate(blocks, contenders.parser, 1));
    rounds.fetched.push(rate(blocks, contenders.fetched, 1));
    rounds.split.push(rate(blocks, contenders.split, 1));
    rounds.id.push(rate(blocks, contenders.id, 1));
    rounds.sha256.push(rate(blocks, contenders.sha256, 1));
    rounds.simple.push(await rateAsync(blocks, (b) => simpleParser(b), 800));
  }
  const bare = median(rounds.bare);
  const parser = median(rounds.parser);
  const fetched = median(rounds.fetched);
  const split = median(rounds.split);
  const simple = median(rounds.simple);
  const id = median(rounds.id);
  const sha = median(rounds.sha256);
  return {
    corpus: {
      kind,
      header_blocks: blocks.length,
      distinct_fixtures: corpus.fixtures,
      avg_block_bytes: Math.round(corpus.bytes / blocks.length),
      built: corpus.built,
    },
    blocks_per_second: {
      parser: Math.round(parser),
      bare_line_split: Math.round(bare),
      mailparser_simpleparser: Math.round(simple),
    },
    ratios: {
      parser_vs_bare: round(parser / bare, 3),
      parser_vs_simpleparser: round(parser / simple, 2),
    },
    met: { parser_vs_bare: parser / bare >= TARGET_VS_BARE, parser_vs_simpleparser: parser / simple >= TARGET_VS_SIMPLEPARSER },
    /** Diagnostics: the split stage alone (no parsers, no document, no _id) and the IMAP entry point. */
    stages: {
      split_header_block_per_second: Math.round(split),
      split_vs_bare: round(split / bare, 3),
      parse_fetched_per_second: Math.round(fetched),
      parse_fetched_vs_bare: round(fetched / bare, 3),
      /**
       * The floor set by the `_id` alone (sha256 of the block with CRLF → LF): documentId and a bare
       * sha256 of the raw bytes, each as blocks/s and as the parse-vs-bare ratio it would allow if all
       * other work were free.
       */
      document_id_per_second: Math.round(id),
      document_id_vs_bare: round(id / bare, 3),
      sha256_raw_bytes_per_second: Math.round(sha),
      sha256_vs_bare: round(sha / bare, 3),
    },
    rounds_blocks_per_second: Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, v.map((x) => Math.round(x))])),
  };
}

export async function runParseBench(): Promise<void> {
  const loadStart = loadavg().map((x) => round(x, 2));
  const realistic = await benchCorpus('realistic');
  const small = await benchCorpus('small');
  const loadEnd = loadavg().map((x) => round(x, 2));

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    load_average_1_5_15: { start: loadStart, end: loadEnd },
    method: `one unmeasured warm-up round per contender, then median of ${ROUNDS} interleaved rounds (≥400 ms each; simpleParser 800 ms, sequential awaits)`,
    bare_line_split: "buf.toString('utf8').split('\\n').length on the same header block bytes",
    targets: { parser_vs_bare: TARGET_VS_BARE, parser_vs_simpleparser: TARGET_VS_SIMPLEPARSER },
    /** Headline: realistic ~4.4–5 KB quarantine header blocks. */
    realistic,
    /** The fixture blocks alone (~690 B), the corpus used before; reported so nothing is hidden. */
    small,
    /** The same bench before the parse-speed work (kept from the previous results file). */
    baseline: previousBaseline(),
  };

  for (const r of [realistic, small]) {
    console.log(`\nparse bench [${r.corpus.kind}]: ${r.corpus.header_blocks} header blocks from ${r.corpus.distinct_fixtures} fixtures, avg ${r.corpus.avg_block_bytes} B`);
    console.table({
      'mailverdict parseMessage (full)': { 'blocks/s': r.blocks_per_second.parser, 'parser ratio': '', target: '' },
      'bare line split (ceiling)': { 'blocks/s': r.blocks_per_second.bare_line_split, 'parser ratio': r.ratios.parser_vs_bare, target: `≥ ${TARGET_VS_BARE}` },
      'mailparser simpleParser': { 'blocks/s': r.blocks_per_second.mailparser_simpleparser, 'parser ratio': r.ratios.parser_vs_simpleparser, target: `≥ ${TARGET_VS_SIMPLEPARSER}` },
      '(stage) parseFetched (full)': { 'blocks/s': r.stages.parse_fetched_per_second, 'parser ratio': '', target: '' },
      '(stage) splitHeaderBlock only': { 'blocks/s': r.stages.split_header_block_per_second, 'parser ratio': '', target: '' },
      '(floor) documentId only': { 'blocks/s': r.stages.document_id_per_second, 'parser ratio': '', target: '' },
      '(floor) sha256 of raw bytes': { 'blocks/s': r.stages.sha256_raw_bytes_per_second, 'parser ratio': '', target: '' },
    });
  }
  console.log(`load average start ${loadStart.join(' ')}, end ${loadEnd.join(' ')}`);
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'parse.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log('written bench/results/parse.json');
}

function previousBaseline(): unknown {
  const file = join(REPO_ROOT, 'bench', 'results', 'parse.json');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { baseline?: unknown }).baseline;
  } catch {
    return undefined;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
