/** Ascending UIDs → an IMAP sequence set with ranges ("1:4,7,9:10"), keeping commands short. */
export function uidSet(uids: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < uids.length) {
    const start = uids[i]!;
    let end = start;
    while (i + 1 < uids.length && uids[i + 1] === end + 1) end = uids[++i]!;
    out.push(start === end ? String(start) : `${start}:${end}`);
    i++;
  }
  return out.join(',');
}
