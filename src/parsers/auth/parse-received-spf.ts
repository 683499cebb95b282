// RFC 7208 §9.1 Received-SPF value: `result [comment] [key=value *(";" key=value)]`.
//   pass client-ip=207.211.31.120; envelope-from=jsnow@redhat.com; helo=us-smtp-1.mimecast.com
//   Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.1; helo=mail.example.com; envelope-from=a@example.com
import { scanSegments } from './scan-segments.js';
import { tokenizePairs } from './tokenize-pairs.js';

export interface ParsedReceivedSpf {
  readonly result?: string;
  readonly comment?: string;
  /** key=value pairs, keys lowercased (client-ip, envelope-from, helo, receiver, identity, …). */
  readonly props: Record<string, string>;
  readonly problems: string[];
}

const MAX_PROPS = 32;

export function parseReceivedSpf(value: string): ParsedReceivedSpf {
  const scan = scanSegments(value);
  const problems: string[] = [];
  if (scan.unbalanced) problems.push('unbalanced_comment');
  if (scan.truncated) problems.push('truncated');
  const props: Record<string, string> = {};
  let result: string | undefined;
  let count = 0;
  for (const [s, seg] of scan.segments.entries()) {
    for (const [t, tok] of tokenizePairs(seg.text).entries()) {
      if (tok.key === undefined) {
        if (s === 0 && t === 0) result = tok.value;
        continue;
      }
      const key = tok.key.toLowerCase();
      if (key !== '' && !(key in props) && count < MAX_PROPS) {
        props[key] = tok.value;
        count++;
      }
    }
  }
  if (result === undefined) problems.push('missing_result');
  const comment = scan.segments[0]?.comments[0];
  return {
    ...(result === undefined ? {} : { result }),
    ...(comment === undefined ? {} : { comment }),
    props,
    problems,
  };
}
