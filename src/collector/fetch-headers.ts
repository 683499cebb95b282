// FETCH of only what parsing needs (issue 4): the header block, BODYSTRUCTURE, INTERNALDATE, size,
// and for multipart messages each part's MIME header (BODY.PEEK[n.MIME]). Never the bodies.
// Part headers are fetched in a second command per distinct part layout, so single-part messages
// cost nothing extra and a mailbox of similar messages costs one extra command per chunk.
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { encodeHeaderBytes, type FetchedMessage } from '../queue/message-batch.js';
import { mimePartPaths } from './part-paths.js';
import { uidSet } from './uid-set.js';

const BASE_QUERY = { uid: true, headers: true, bodyStructure: true, internalDate: true, size: true } as const;

/** Fetches the given UIDs (ascending) and returns them as queue messages (HEADER_ENCODING), ascending by UID. */
export async function fetchHeaders(client: ImapFlow, uids: readonly number[]): Promise<FetchedMessage[]> {
  if (uids.length === 0) return [];
  const rows = await client.fetchAll(uidSet(uids), BASE_QUERY, { uid: true });
  rows.sort((a, b) => a.uid - b.uid);

  const byLayout = new Map<string, { paths: string[]; uids: number[] }>();
  const pathsOf = new Map<number, string[]>();
  for (const row of rows) {
    const paths = mimePartPaths(row.bodyStructure);
    if (paths.length === 0) continue;
    pathsOf.set(row.uid, paths);
    const key = paths.join(',');
    const group = byLayout.get(key);
    if (group === undefined) byLayout.set(key, { paths, uids: [row.uid] });
    else group.uids.push(row.uid);
  }

  const partHeaders = new Map<number, Map<string, Buffer>>();
  for (const group of byLayout.values()) {
    const partRows = await client.fetchAll(
      uidSet(group.uids),
      { uid: true, bodyParts: group.paths.map((p) => `${p}.MIME`) },
      { uid: true },
    );
    for (const r of partRows) if (r.bodyParts !== undefined) partHeaders.set(r.uid, r.bodyParts);
  }

  return rows.map((row) => toFetched(row, pathsOf.get(row.uid) ?? [], partHeaders.get(row.uid)));
}

function toFetched(row: FetchMessageObject, paths: readonly string[], parts: Map<string, Buffer> | undefined): FetchedMessage {
  const out: FetchedMessage = {
    uid: row.uid,
    headers: encodeHeaderBytes(row.headers ?? Buffer.alloc(0)),
    parts: [],
  };
  const date = row.internalDate;
  if (date instanceof Date && !Number.isNaN(date.getTime())) out.internalDate = date.toISOString();
  else if (typeof date === 'string') out.internalDate = date;
  if (typeof row.size === 'number') out.size = row.size;
  for (const path of paths) {
    // imapflow keys body parts by the lowercased section name.
    const raw = parts?.get(`${path}.mime`) ?? parts?.get(`${path}.MIME`);
    if (raw !== undefined) out.parts.push({ path, headers: encodeHeaderBytes(raw) });
  }
  return out;
}
