// Lines of a log file (plain or gzip, recognised by its magic bytes) or of stdin, each with its byte offset in
// the (uncompressed) stream, for `parse --log` and `replay`. A line longer than maxLineBytes is cut there (the
// rest of it skipped, `truncated` set): a hostile file without line breaks cannot grow memory.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export interface LogFileLine {
  raw: Buffer;
  /** Byte offset of the line's first byte. */
  offset: number;
  truncated: boolean;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Opens a file path as a byte stream, gunzipping .gz content. Throws on a missing/unreadable file. */
export async function openLogFile(path: string): Promise<AsyncIterable<Uint8Array>> {
  const gz = await isGzip(path);
  const stream = createReadStream(path);
  return gz ? stream.pipe(createGunzip()) : stream;
}

export async function* splitLogLines(stream: AsyncIterable<Uint8Array>, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<LogFileLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineStart = 0;
  let position = 0;
  let truncated = false;
  const take = (): LogFileLine => {
    let raw = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    if (raw.length > 0 && raw[raw.length - 1] === 13) raw = raw.subarray(0, raw.length - 1);
    const line = { raw, offset: lineStart, truncated };
    pending = [];
    pendingBytes = 0;
    truncated = false;
    return line;
  };
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(10, start);
      const end = nl < 0 ? buf.length : nl;
      const room = maxLineBytes - pendingBytes;
      if (end - start > room) truncated = true;
      const keep = Math.max(0, Math.min(end - start, room));
      if (keep > 0) {
        pending.push(buf.subarray(start, start + keep));
        pendingBytes += keep;
      }
      if (nl < 0) {
        position += buf.length - start;
        break;
      }
      position += nl + 1 - start;
      const line = take();
      lineStart = position;
      start = nl + 1;
      if (line.raw.length > 0 || line.truncated) yield line;
    }
  }
  if (pendingBytes > 0 || truncated) yield take();
}
