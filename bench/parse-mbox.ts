// Parse-mbox bench: `mailverdict parse <mbox> > /dev/null` as a whole process (start, read, split, parse every
// message, write one NDJSON document per message) against the floor for the same file: a bare header split as
// a whole process (bench/parse-mbox/bare-header-split.mjs: the same 256 KiB reads, finds each message's header
// section, nothing else). Both are plain `node` processes (the CLI compiled from HEAD into bench/tmp/),
// timed by /usr/bin/time, in interleaved rounds (a burst of load from other processes hits both alike); the
// median round counts. Ratio = bare seconds / parse seconds, i.e. parse throughput as a share of the floor's,
// on CPU seconds (user + sys: steadier on shared cores) and on wall seconds.
// Writes bench/results/parse-mbox.json. `tsx bench/parse-mbox.ts [--messages 20000] [--rounds 5]`
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './corpus.js';
import { buildCli } from './pipeline/children.js';
import { benchMessageChunks } from './pipeline/messages.js';
import { intOption } from './int-option.js';

const TARGET_RATIO = 0.3;
const BARE = join(REPO_ROOT, 'bench', 'parse-mbox', 'bare-header-split.mjs');

interface Timing {
  wall_s: number;
  cpu_s: number;
  max_rss_mb: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;
const log = (s: string): void => console.log(`[parse-mbox bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

/** An mboxrd file of the pipeline bench's messages (LF line ends, as mbox files on Unix have them). */
function writeMbox(path: string, messages: number): number {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of benchMessageChunks(messages, 10_000)) {
      for (const m of chunk.messages) {
        const text = m.raw.toString('latin1').replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1');
        const from = `From MAILER-DAEMON ${m.internalDate.toUTCString()}\n`;
        writeSync(fd, Buffer.from(`${from}${text}${text.endsWith('\n') ? '' : '\n'}\n`, 'latin1'));
      }
    }
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

/** Runs `node args…` with stdout to `stdout` (a path), under /usr/bin/time; returns its timing and stderr. */
function timed(args: readonly string[], stdout: string): Timing & { stderr: string } {
  const timeFile = join(REPO_ROOT, 'bench', 'tmp', 'parse-mbox.time');
  const out = openSync(stdout, 'w');
  try {
    const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S %M', process.execPath, ...args], {
      stdio: ['ignore', out, 'pipe'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20,
    });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
    const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
    return { wall_s: wall ?? Number.NaN, cpu_s: round((user ?? 0) + (sys ?? 0), 2), max_rss_mb: round((rssKb ?? 0) / 1024, 1), stderr: r.stderr };
  } finally {
    closeSync(out);
  }
}

export async function runParseMboxBench(argv: readonly string[] = []): Promise<void> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: { messages: { type: 'string' }, rounds: { type: 'string' } } });
  const messages = intOption(values.messages, 'messages', 20_000);
  const rounds = intOption(values.rounds, 'rounds', 5);
  const tmp = join(REPO_ROOT, 'bench', 'tmp');
  mkdirSync(tmp, { recursive: true });
  const load = [loadavg().map((x) => round(x, 2))];

  const cli = buildCli(REPO_ROOT, undefined, 'build-parse-mbox');
  log(`built the CLI of ${cli.commit.slice(0, 10)} in ${round(cli.seconds, 1)} s`);
  const mbox = join(tmp, `parse-mbox-${messages}.mbox`);
  const bytes = writeMbox(mbox, messages);
  log(`wrote ${mbox}: ${messages} messages, ${round(bytes / 2 ** 20, 1)} MiB`);

  try {
    // Correctness first (untimed): both see every message.
    const countFile = join(tmp, 'parse-mbox.out');
    const bareOut = timed([BARE, mbox], countFile);
    const [bareMessages, headerBytes] = readFileSync(countFile, 'utf8').trim().split(' ').map(Number);
    timed([cli.bin, 'parse', mbox], countFile);
    const documents = readFileSync(countFile, 'utf8').split('\n').filter((l) => l.startsWith('{"_id":')).length;
    rmSync(countFile);
    if (bareMessages !== messages || documents !== messages) {
      throw new Error(`expected ${messages} messages: the bare split found ${bareMessages}, mailverdict parse printed ${documents} documents`);
    }
    log(`both see ${messages} messages (bare split: ${bareOut.wall_s} s); timing ${rounds} interleaved rounds`);

    const bare: Timing[] = [];
    const parse: Timing[] = [];
    for (let r = 0; r < rounds; r++) {
      const { stderr: _b, ...b } = timed([BARE, mbox], '/dev/null');
      const { stderr: _p, ...p } = timed([cli.bin, 'parse', mbox], '/dev/null');
      bare.push(b);
      parse.push(p);
      load.push(loadavg().map((x) => round(x, 2)));
      log(`round ${r + 1}: bare ${b.wall_s} s wall / ${b.cpu_s} s CPU, parse ${p.wall_s} s wall / ${p.cpu_s} s CPU`);
    }

    const med = (xs: Timing[], k: keyof Timing): number => median(xs.map((x) => x[k]));
    const ratioCpu = med(bare, 'cpu_s') / med(parse, 'cpu_s');
    const ratioWall = med(bare, 'wall_s') / med(parse, 'wall_s');
    const perMessage = (s: number): number => round((s * 1000) / messages, 4);
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      load_average_1_5_15: { start: load[0], after_each_round: load.slice(1) },
      input: {
        messages, mbox_bytes: bytes, header_bytes: headerBytes,
        built: 'bench/pipeline/messages.ts messages (bench/corpus.ts \'realistic\' header blocks, ~4.8 KB, + short bodies) as mboxrd, LF line ends',
      },
      commit: cli.commit,
      contenders: {
        parse: 'node bin/mailverdict.js parse <mbox> > /dev/null (compiled CLI): read, split, parse, one NDJSON document per message',
        bare: 'node bench/parse-mbox/bare-header-split.mjs <mbox>: the same 256 KiB reads, finds each message\'s header section, nothing else',
      },
      median: {
        parse: { wall_s: med(parse, 'wall_s'), cpu_s: med(parse, 'cpu_s'), cpu_ms_per_message: perMessage(med(parse, 'cpu_s')), max_rss_mb: med(parse, 'max_rss_mb'), messages_per_cpu_second: Math.round(messages / med(parse, 'cpu_s')) },
        bare: { wall_s: med(bare, 'wall_s'), cpu_s: med(bare, 'cpu_s'), cpu_ms_per_message: perMessage(med(bare, 'cpu_s')), max_rss_mb: med(bare, 'max_rss_mb'), messages_per_cpu_second: Math.round(messages / med(bare, 'cpu_s')) },
      },
      ratio: { parse_vs_bare_cpu: round(ratioCpu), parse_vs_bare_wall: round(ratioWall) },
      target: { parse_vs_bare: TARGET_RATIO },
      met: { parse_vs_bare_cpu: ratioCpu >= TARGET_RATIO, parse_vs_bare_wall: ratioWall >= TARGET_RATIO },
      rounds: { parse, bare },
    };
    console.table({
      'mailverdict parse': { 'wall s': result.median.parse.wall_s, 'CPU s': result.median.parse.cpu_s, 'CPU ms/msg': result.median.parse.cpu_ms_per_message, 'max RSS MB': result.median.parse.max_rss_mb },
      'bare header split': { 'wall s': result.median.bare.wall_s, 'CPU s': result.median.bare.cpu_s, 'CPU ms/msg': result.median.bare.cpu_ms_per_message, 'max RSS MB': result.median.bare.max_rss_mb },
    });
    console.log(`parse / bare: ${result.ratio.parse_vs_bare_cpu} on CPU, ${result.ratio.parse_vs_bare_wall} on wall time (target ≥ ${TARGET_RATIO})`);
    const out = join(REPO_ROOT, 'bench', 'results', 'parse-mbox.json');
    mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    log(`written ${out}`);
  } finally {
    rmSync(mbox, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runParseMboxBench(process.argv.slice(2)).then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
