// The subset of the Kibana Query Language the shipped dashboards save, translated the way Kibana translates it
// (`field : value` → match, quoted → match_phrase, `field : *` → exists, an unescaped `*` in a value → wildcard;
// and → filter, or → should, not → must_not), so the panel checks run the panels' real queries. Anything
// outside the subset (ranges, nested `{ }`, bare terms without a field) throws instead of being guessed.

export type Dsl = Record<string, unknown>;

interface Token { kind: 'word' | 'quoted' | '(' | ')' | ':'; text: string; wildcard: boolean }

function tokenize(query: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] as string;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '(' || ch === ')' || ch === ':') { out.push({ kind: ch, text: ch, wildcard: false }); i++; continue; }
    if (ch === '"') {
      let text = '';
      i++;
      while (i < query.length && query[i] !== '"') {
        if (query[i] === '\\' && i + 1 < query.length) i++;
        text += query[i];
        i++;
      }
      if (i >= query.length) throw new Error(`KQL: unterminated quoted value in "${query}"`);
      i++;
      out.push({ kind: 'quoted', text, wildcard: false });
      continue;
    }
    let text = '';
    let wildcard = false;
    while (i < query.length && !/[\s():"]/.test(query[i] as string)) {
      if (query[i] === '\\' && i + 1 < query.length) {
        text += `\\${query[i + 1] as string}`;
        i += 2;
        continue;
      }
      if (query[i] === '*') wildcard = true;
      text += query[i];
      i++;
    }
    if (/[{}<>]/.test(text)) throw new Error(`KQL: "${text}" is outside the subset the checks support`);
    out.push({ kind: 'word', text, wildcard });
  }
  return out;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

class Parser {
  private pos = 0;
  readonly fields = new Set<string>();
  constructor(private readonly tokens: Token[], private readonly source: string) {}

  parse(): Dsl {
    const dsl = this.or(() => this.clause());
    if (this.pos < this.tokens.length) throw this.error('unexpected');
    return dsl;
  }

  private peekKeyword(word: string): boolean {
    const t = this.tokens[this.pos];
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  private error(what: string): Error {
    return new Error(`KQL: ${what} "${this.tokens[this.pos]?.text ?? 'end of query'}" in "${this.source}"`);
  }

  private or(item: () => Dsl): Dsl {
    const parts = [this.and(item)];
    while (this.peekKeyword('or')) { this.pos++; parts.push(this.and(item)); }
    return parts.length === 1 ? parts[0] as Dsl : { bool: { should: parts, minimum_should_match: 1 } };
  }

  private and(item: () => Dsl): Dsl {
    const parts = [this.not(item)];
    while (this.peekKeyword('and')) { this.pos++; parts.push(this.not(item)); }
    return parts.length === 1 ? parts[0] as Dsl : { bool: { filter: parts } };
  }

  private not(item: () => Dsl): Dsl {
    if (this.peekKeyword('not')) { this.pos++; return { bool: { must_not: [this.not(item)] } }; }
    return item();
  }

  private clause(): Dsl {
    const t = this.tokens[this.pos];
    if (t?.kind === '(') {
      this.pos++;
      const inner = this.or(() => this.clause());
      if (this.tokens[this.pos]?.kind !== ')') throw this.error('missing ")" before');
      this.pos++;
      return inner;
    }
    if (t?.kind !== 'word' || this.tokens[this.pos + 1]?.kind !== ':') throw this.error('expected "field :" at');
    const field = unescape(t.text);
    this.fields.add(field);
    this.pos += 2;
    if (this.tokens[this.pos]?.kind === '(') {
      this.pos++;
      const inner = this.or(() => this.value(field));
      if (this.tokens[this.pos]?.kind !== ')') throw this.error('missing ")" before');
      this.pos++;
      return inner;
    }
    return this.value(field);
  }

  private value(field: string): Dsl {
    const t = this.tokens[this.pos];
    if (t === undefined || (t.kind !== 'word' && t.kind !== 'quoted')) throw this.error('expected a value at');
    this.pos++;
    if (t.kind === 'quoted') return { match_phrase: { [field]: t.text } };
    if (t.text === '*') return { exists: { field } };
    if (t.wildcard) return { wildcard: { [field]: { value: t.text.replace(/\\(?!\*)(.)/g, '$1') } } };
    return { match: { [field]: unescape(t.text) } };
  }
}

/** The Elasticsearch query of a KQL string; undefined for an empty one (match all). */
export function kqlToDsl(query: string): Dsl | undefined {
  if (query.trim() === '') return undefined;
  return new Parser(tokenize(query), query).parse();
}

/** Field names a KQL string filters on. */
export function kqlFields(query: string): string[] {
  if (query.trim() === '') return [];
  const p = new Parser(tokenize(query), query);
  p.parse();
  return [...p.fields];
}
