import libmime from 'libmime';

/**
 * RFC 2047 encoded words (`=?charset?Q|B?…?=`) → text. Only values containing `=?` go through
 * libmime; an undecodable word is left as written rather than failing the field.
 */
export function decodeEncodedWords(value: string): string {
  if (value.indexOf('=?') === -1) return value;
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
