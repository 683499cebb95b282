// Installs and checks the composable index templates in mappings/ (the single source of field types).
// The files are written for the default prefix `mailverdict`; the configured prefix replaces it in the
// template name and index patterns. Each file's top-level `version` (or `_meta.version`) says whether the
// installed template is current.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchStore } from './search-store.js';
import { packageFile } from '../package-file.js';
import { SinkError, statusCodeOf } from './errors.js';
import { indexPrefixProblem } from './index-name.js';
import { sinkConfig, type SinkConfigInput } from './sink-config.js';

/** The prefix the files in mappings/ are written for. */
export const FILE_PREFIX = 'mailverdict';

export const DEFAULT_MAPPINGS_DIR = packageFile('mappings');

export interface IndexTemplateSpec {
  /** Template name in Elasticsearch, e.g. `mailverdict-messages`, `mailverdict-dead-letter`. */
  name: string;
  file: string;
  version: number;
  indexPatterns: string[];
  /** Body for PUT _index_template/<name>. */
  body: Record<string, unknown> & { index_patterns: string[] };
}

export interface TemplateChange {
  name: string;
  action: 'created' | 'updated' | 'unchanged';
  version: number;
  /** Existing indices the template's new fields could not be added to. */
  problems?: string[];
}

export interface IndexSetupOptions {
  mappingsDir?: string;
}

/** Read mappings/*-template.json and rewrite them for `prefix`. Throws SinkError on a malformed file. */
export function loadIndexTemplates(prefix: string, mappingsDir: string = DEFAULT_MAPPINGS_DIR): IndexTemplateSpec[] {
  const problem = indexPrefixProblem(prefix);
  if (problem !== undefined) throw new SinkError('invalid_index_prefix', `elasticsearch.indexPrefix ${JSON.stringify(prefix)} ${problem}`);
  const files = readdirSync(mappingsDir).filter((f) => f.endsWith('-template.json')).sort();
  return files.map((file) => {
    const invalid = (what: string): SinkError => new SinkError('index_template_invalid', `mappings/${file}: ${what}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(mappingsDir, file), 'utf8'));
    } catch (err) {
      throw new SinkError('index_template_invalid', `mappings/${file}: not valid JSON`, { cause: err });
    }
    if (typeof parsed !== 'object' || parsed === null) throw invalid('not a JSON object');
    const body = { ...(parsed as Record<string, unknown>) };
    const version = templateVersion(body);
    if (version === undefined) throw invalid('needs a numeric "version"');
    const patterns = body['index_patterns'];
    if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p) => typeof p === 'string')) {
      throw invalid('needs "index_patterns" (a list of strings)');
    }
    const indexPatterns = patterns.map((p: string) => {
      if (!p.startsWith(`${FILE_PREFIX}-`)) throw invalid(`index pattern ${p} does not start with "${FILE_PREFIX}-"`);
      return prefix + p.slice(FILE_PREFIX.length);
    });
    const stem = file.slice(0, -'-template.json'.length);
    const name = stem === FILE_PREFIX ? `${prefix}-messages` : `${prefix}-${stem}`;
    return { name, file, version, indexPatterns, body: { ...body, index_patterns: indexPatterns } };
  });
}

/**
 * Install every template that is missing or older than its file (idempotent: a second run changes nothing).
 * A template installed by a newer mailverdict (higher version) is left alone.
 */
export async function ensureIndexTemplates(
  client: SearchStore,
  config: SinkConfigInput,
  options: IndexSetupOptions = {},
): Promise<TemplateChange[]> {
  const specs = loadIndexTemplates(sinkConfig(config).indexPrefix, options.mappingsDir);
  const changes: TemplateChange[] = [];
  for (const spec of specs) {
    const installed = await getInstalled(client, spec.name);
    if (installed !== undefined && installed.version !== undefined && installed.version >= spec.version && samePatterns(installed.patterns, spec.indexPatterns)) {
      changes.push({ name: spec.name, action: 'unchanged', version: spec.version });
      continue;
    }
    await request(`PUT _index_template/${spec.name}`, () =>
      client.indices.putIndexTemplate({ name: spec.name, ...spec.body } as Parameters<SearchStore['indices']['putIndexTemplate']>[0]),
    );
    changes.push({ name: spec.name, action: installed === undefined ? 'created' : 'updated', version: spec.version });
  }
  // A template shapes only indices created after it. Indices that already exist (this month's) get the
  // template's fields too — additions only, which Elasticsearch allows — or a strict mapping would turn
  // every document carrying a new field into a dead letter until the next month.
  for (const [i, spec] of specs.entries()) {
    const problems = await addFieldsToExistingIndices(client, spec);
    const change = changes[i];
    if (problems.length > 0 && change !== undefined) change.problems = problems;
  }
  return changes;
}

/** Adds the template's fields to each existing index it matches; an index that refuses (a conflicting
 * mapping from elsewhere) is reported, not fatal, so one foreign index cannot stop the pipeline. */
async function addFieldsToExistingIndices(client: SearchStore, spec: IndexTemplateSpec): Promise<string[]> {
  const mappings = (spec.body['template'] as { mappings?: { properties?: Record<string, unknown> } } | undefined)?.mappings;
  if (mappings?.properties === undefined) return [];
  const existing = await request(`GET ${spec.indexPatterns.join(',')}`, () =>
    client.indices.get({ index: spec.indexPatterns.join(','), allow_no_indices: true, ignore_unavailable: true, expand_wildcards: 'open' }));
  const problems: string[] = [];
  for (const index of Object.keys(existing)) {
    try {
      await client.indices.putMapping({ index, properties: mappings.properties } as Parameters<SearchStore['indices']['putMapping']>[0]);
    } catch (err) {
      problems.push(`index ${index} keeps its old mapping: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`);
    }
  }
  return problems;
}

/** Problems with the installed templates (missing, outdated, other index patterns); empty when all is well. */
export async function checkIndexTemplates(
  client: SearchStore,
  config: SinkConfigInput,
  options: IndexSetupOptions = {},
): Promise<string[]> {
  const specs = loadIndexTemplates(sinkConfig(config).indexPrefix, options.mappingsDir);
  const problems: string[] = [];
  for (const spec of specs) {
    const installed = await getInstalled(client, spec.name);
    if (installed === undefined) {
      problems.push(`index template ${spec.name} is missing (run \`mailverdict setup\`)`);
    } else if (installed.version === undefined || installed.version < spec.version) {
      problems.push(
        `index template ${spec.name} is version ${installed.version ?? 'none'}, mappings/${spec.file} is version ${spec.version} (run \`mailverdict setup\`)`,
      );
    } else if (!samePatterns(installed.patterns, spec.indexPatterns)) {
      problems.push(
        `index template ${spec.name} matches ${installed.patterns.join(',')}, expected ${spec.indexPatterns.join(',')} (run \`mailverdict setup\`)`,
      );
    }
  }
  return problems;
}

async function getInstalled(client: SearchStore, name: string): Promise<{ version: number | undefined; patterns: string[] } | undefined> {
  try {
    const response = await client.indices.getIndexTemplate({ name });
    const found = response.index_templates.find((t) => t.name === name);
    if (found === undefined) return undefined;
    const template = found.index_template as unknown as Record<string, unknown>;
    const patterns = template['index_patterns'];
    return {
      version: templateVersion(template),
      patterns: Array.isArray(patterns) ? patterns.map(String) : typeof patterns === 'string' ? [patterns] : [],
    };
  } catch (err) {
    if (statusCodeOf(err) === 404) return undefined;
    throw wrap(`GET _index_template/${name}`, err);
  }
}

function templateVersion(template: Record<string, unknown>): number | undefined {
  const version = template['version'] ?? (template['_meta'] as Record<string, unknown> | undefined)?.['version'];
  return typeof version === 'number' && Number.isFinite(version) ? version : undefined;
}

function samePatterns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

async function request<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw wrap(what, err);
  }
}

function wrap(what: string, err: unknown): SinkError {
  const status = statusCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const hint = status === 401 ? ' (HTTP 401: authentication failed, check elasticsearch.apiKey or username/password)'
    : status === 403 ? ' (HTTP 403: the API key or user lacks a privilege this needs, see the README)'
    : status !== undefined ? ` (HTTP ${status})` : '';
  return new SinkError('elasticsearch_request_failed', `${what} failed${hint}: ${message}`, {
    meta: status === undefined ? {} : { statusCode: status },
    cause: err,
  });
}
