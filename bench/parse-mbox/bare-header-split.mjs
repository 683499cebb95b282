// The floor for `mailverdict parse <mbox>`: a minimal reader that streams the file in the same 256 KiB chunks,
// finds each message's header section (after a "From " separator line, up to the first blank line) and does
// nothing else — no decoding, no parsing, no output. Prints "<messages> <header bytes>" on stdout.
// Plain JavaScript so that it starts as a bare `node` process, like the compiled CLI it is compared with.
//   node bench/parse-mbox/bare-header-split.mjs file.mbox
import { createReadStream } from 'node:fs';

const LF = 0x0a;
const path = process.argv[2];
if (path === undefined) throw new Error('usage: bare-header-split.mjs <mbox>');

let messages = 0;
let headerBytes = 0;
/** Unconsumed bytes of the previous chunk: a separator or a header end may straddle two chunks. */
let carry = Buffer.alloc(0);
let inHeader = false;
let headerStart = 0;
let atFileStart = true;

for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
  const buf = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
  let pos = 0;
  /** Where the unconsumed rest starts when this chunk runs out. */
  let keep = 0;
  for (;;) {
    if (inHeader) {
      // The header section ends at the first empty line (LF LF, or LF CR LF).
      const a = buf.indexOf('\n\n', pos);
      const b = buf.indexOf('\n\r\n', pos);
      const end = a === -1 ? b : b === -1 ? a : Math.min(a, b);
      if (end === -1) {
        keep = headerStart;
        break;
      }
      messages++;
      headerBytes += end + 1 - headerStart;
      inHeader = false;
      pos = end + 1;
    } else {
      // The next message starts after a line "From …" at the start of the file or of a line.
      const at = atFileStart && buf.subarray(0, 5).toString('latin1') === 'From ' ? 0 : buf.indexOf('\nFrom ', pos);
      atFileStart = false;
      if (at === -1) {
        keep = Math.max(pos, buf.length - 5);
        break;
      }
      const eol = buf.indexOf(LF, at === 0 ? 0 : at + 1);
      if (eol === -1) {
        keep = at;
        break;
      }
      inHeader = true;
      headerStart = eol + 1;
      pos = eol + 1;
    }
  }
  carry = buf.subarray(keep);
  headerStart -= keep;
}
process.stdout.write(`${messages} ${headerBytes}\n`);
