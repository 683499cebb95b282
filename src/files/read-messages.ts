// Messages from disk for `parse` and `replay`: a single .eml, an mbox, a directory of .eml files, a Maildir
// (cur/ + new/), or stdin. Problems become error records and reading goes on with the next message or file.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MessageSplitter, type SplitRecord } from './message-splitter.js';

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** The argument that means "read stdin". */
export const STDIN_ARG = '-';
/** How stdin is named in records and documents. */
export const STDIN_NAME = '<stdin>';

export type FileErrorCode = 'not_found' | 'unreadable' | 'too_large' | 'empty' | 'no_messages' | 'broken_link' | 'not_a_file';

export interface FileMessage {
  kind: 'message';
  /** The file the message came from (inside a directory or Maildir: that file). */
  path: string;
  /** Position within that file: 0 for a single message, the n-th message of an mbox. */
  index: number;
  raw: Uint8Array;
}

export interface FileReadError {
  kind: 'error';
  path: string;
  index: number;
  code: FileErrorCode;
  /** Whether one message of the file was skipped (too large, empty mbox entry) or the whole path failed. */
  scope: 'file' | 'message';
  /** Human-readable, without the path (the caller prefixes it). */
  message: string;
}

export type FileRecord = FileMessage | FileReadError;

export interface ReadMessagesOptions {
  maxMessageBytes?: number;
  /** Read for the path "-". */
  stdin?: AsyncIterable<Uint8Array>;
}

export async function* readMessagesFromPath(path: string, options: ReadMessagesOptions = {}): AsyncGenerator<FileRecord> {
  for await (const batch of readMessageBatchesFromPath(path, options)) yield* batch;
}

/**
 * The records of readMessagesFromPath, in the same order, one array per chunk read (an mbox chunk holds
 * dozens of messages): a caller such as `parse` handles a whole chunk's messages between two awaits and
 * writes their output at once, instead of one await and one write per message.
 */
export async function* readMessageBatchesFromPath(path: string, options: ReadMessagesOptions = {}): AsyncGenerator<FileRecord[]> {
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (path === STDIN_ARG) {
    if (options.stdin === undefined) {
      yield [{ kind: 'error', path: STDIN_NAME, index: 0, code: 'unreadable', scope: 'file', message: 'stdin is not available' }];
      return;
    }
    yield* splitStream(options.stdin, STDIN_NAME, max);
    return;
  }
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    yield [fsError(path, err)];
    return;
  }
  if (!isDirectory) {
    yield* readFile(path, max);
    return;
  }
  let listing: MessageFileListing;
  try {
    listing = await listMessageFiles(path);
  } catch (err) {
    yield [fsError(path, err)];
    return;
  }
  // Entries that cannot be read (an unreadable new/, a broken link, a FIFO) are reported one by one.
  if (listing.problems.length > 0) yield listing.problems;
  if (listing.files.length === 0 && !listing.maildir && listing.problems.length === 0) {
    yield [{ kind: 'error', path, index: 0, code: 'no_messages', scope: 'file', message: 'directory holds no .eml files and is not a Maildir (cur/, new/)' }];
    return;
  }
  for (const file of listing.files) yield* readFile(file, max);
}

export interface MessageFileListing {
  files: string[];
  maildir: boolean;
  /** Entries that are not readable message files: reported per entry, the rest is still read. */
  problems: FileReadError[];
}

/**
 * The message files of a directory, in a stable order. A Maildir (has cur/ and new/) lists both, merged and
 * sorted by file name (Maildir names start with the delivery time, so this is roughly arrival order);
 * otherwise the directory's *.eml files sorted by name, then those of its sub-directories (each a Maildir or
 * searched the same way, in name order, at most MAX_DEPTH deep; linked directories are not followed, so a
 * link loop cannot trap the search). Dot files and dot directories are skipped. An unreadable cur/ or new/,
 * a broken link, a FIFO or other non-file among the messages is a problem of its own, not of the whole path.
 */
export async function listMessageFiles(dir: string, depth = 0): Promise<MessageFileListing> {
  const entries = await readdir(dir, { withFileTypes: true });
  const subdir = (name: string): boolean => entries.some((e) => e.name === name && (e.isDirectory() || e.isSymbolicLink()));
  const problems: FileReadError[] = [];
  if (subdir('cur') && subdir('new')) {
    const named: { name: string; path: string }[] = [];
    for (const sub of ['cur', 'new']) {
      const path = join(dir, sub);
      let listed: string[];
      try {
        listed = await messageFiles(path, () => true, problems);
      } catch (err) {
        problems.push(fsError(path, err));
        continue;
      }
      for (const name of listed) named.push({ name, path: join(path, name) });
    }
    named.sort((a, b) => compare(a.name, b.name) || compare(a.path, b.path));
    return { files: named.map((n) => n.path), maildir: true, problems };
  }
  const names = (await messageFiles(dir, (n) => n.toLowerCase().endsWith('.eml'), problems)).sort(compare);
  const files = names.map((n) => join(dir, n));
  const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(compare);
  for (const name of depth < MAX_DEPTH ? subdirs : []) {
    const path = join(dir, name);
    try {
      const sub = await listMessageFiles(path, depth + 1);
      files.push(...sub.files);
      problems.push(...sub.problems);
    } catch (err) {
      problems.push(fsError(path, err));
    }
  }
  return { files, maildir: false, problems };
}

/** How deep `replay dir/` searches sub-directories for .eml files and Maildirs. */
const MAX_DEPTH = 16;

/** Names of the regular files (or links to them) of `dir` that `wanted` accepts; other entries it accepts are problems. */
async function messageFiles(dir: string, wanted: (name: string) => boolean, problems: FileReadError[]): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || !wanted(e.name)) continue;
    if (e.isFile()) {
      out.push(e.name);
      continue;
    }
    const path = join(dir, e.name);
    if (e.isSymbolicLink()) {
      const target = await stat(path).catch(() => undefined);
      if (target?.isFile() === true) out.push(e.name);
      else if (target === undefined) problems.push({ kind: 'error', path, index: 0, code: 'broken_link', scope: 'file', message: 'skipped: broken symbolic link' });
      else if (!target.isDirectory()) problems.push(notAFile(path, 'a link to a FIFO, socket or device'));
      continue;
    }
    // A sub-directory of a plain directory is simply not a message; anything else here (FIFO, socket,
    // device) would block or make no sense to read.
    if (!e.isDirectory()) problems.push(notAFile(path, e.isFIFO() ? 'a FIFO' : e.isSocket() ? 'a socket' : 'a device'));
  }
  return out;
}

function notAFile(path: string, what: string): FileReadError {
  return { kind: 'error', path, index: 0, code: 'not_a_file', scope: 'file', message: `skipped: ${what}, not a message file` };
}

/** Code-point order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function* readFile(path: string, max: number): AsyncGenerator<FileRecord[]> {
  yield* splitStream(createReadStream(path, { highWaterMark: 256 * 1024 }), path, max);
}

/** One batch per chunk that completed a message or more (chunks inside a long message yield nothing). */
async function* splitStream(chunks: AsyncIterable<Uint8Array>, path: string, max: number): AsyncGenerator<FileRecord[]> {
  const splitter = new MessageSplitter(max);
  let last = -1;
  let total = 0;
  try {
    for await (const chunk of chunks) {
      total += chunk.byteLength;
      const records = splitter.push(chunk);
      if (records.length > 0) {
        last = (records[records.length - 1] as SplitRecord).index;
        yield withPaths(records, path);
      }
      // A single message over the cap: no need to read the rest (leaving the loop closes the stream).
      if (splitter.done) break;
    }
  } catch (err) {
    yield [fsError(path, err, last + 1)];
    return;
  }
  const rest: FileRecord[] = [];
  for (const r of splitter.end()) {
    if (r.kind === 'error' && r.code === 'empty' && total === 0) {
      rest.push({ ...r, path, scope: 'file', message: path === STDIN_NAME ? 'stdin is empty' : 'file is empty' });
    } else {
      rest.push(withPath(r, path));
    }
  }
  if (rest.length > 0) yield rest;
}

function withPaths(records: readonly SplitRecord[], path: string): FileRecord[] {
  const out: FileRecord[] = new Array<FileRecord>(records.length);
  for (let i = 0; i < records.length; i++) out[i] = withPath(records[i] as SplitRecord, path);
  return out;
}

/** Built field by field, not spread: this runs once per message of an mbox. */
function withPath(r: SplitRecord, path: string): FileRecord {
  if (r.kind === 'message') return { kind: 'message', index: r.index, raw: r.raw, path };
  return { kind: 'error', index: r.index, code: r.code, message: r.message, path, scope: 'message' };
}

function fsError(path: string, err: unknown, index = 0): FileReadError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return { kind: 'error', path, index, code: 'not_found', scope: 'file', message: 'no such file or directory' };
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'error', path, index, code: 'unreadable', scope: 'file', message: 'permission denied' };
  const detail = err instanceof Error ? err.message : String(err);
  return { kind: 'error', path, index, code: 'unreadable', scope: 'file', message: `cannot read: ${detail}` };
}
