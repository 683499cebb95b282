// The demo quarantine's templates (demo/templates/<family>/<name>.eml, copies of parser fixtures shipped as
// product data, so the image needs no test files): the header section split into fields (continuation
// lines kept), the body kept as it is.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageFile } from '../package-file.js';

export interface TemplateField {
  /** As written, e.g. "X-KSMG-AntiSpam-Status". */
  name: string;
  lower: string;
  /** The whole field, "Name: value" with its continuation lines, joined by "\n", no trailing line break. */
  text: string;
}

export interface DemoTemplate {
  /** "<family>/<name>" without ".eml". */
  name: string;
  fields: TemplateField[];
  body: string;
}

/** demo/templates of the package, from src/ (tsx) and dist/src/ (built) alike. */
export function defaultTemplatesDir(): string {
  return packageFile('demo', 'templates');
}

export async function loadDemoTemplates(names: readonly string[], dir = defaultTemplatesDir()): Promise<Map<string, DemoTemplate>> {
  const out = new Map<string, DemoTemplate>();
  for (const name of names) {
    if (out.has(name)) continue;
    const text = await readFile(join(dir, `${name}.eml`), 'utf8');
    out.set(name, parseTemplate(name, text));
  }
  return out;
}

export function parseTemplate(name: string, text: string): DemoTemplate {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const fields: TemplateField[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') break;
    const last = fields[fields.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      last.text += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`demo template ${name}: header line without a name: ${line.slice(0, 60)}`);
    const fieldName = line.slice(0, colon).trim();
    fields.push({ name: fieldName, lower: fieldName.toLowerCase(), text: line });
  }
  if (fields.length === 0) throw new Error(`demo template ${name} has no header fields`);
  return { name, fields, body: lines.slice(i + 1).join('\n') };
}

/** The value of a field: everything after the first colon, continuation lines unfolded. */
export function fieldValue(field: TemplateField): string {
  const colon = field.text.indexOf(':');
  return field.text.slice(colon + 1).replace(/\n[ \t]+/g, ' ').trim();
}
