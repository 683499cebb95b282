// Installs and checks the composable index templates in mappings/ (the single source of field types).
// The files are written for the default prefix `mailverdict`; the configured prefix replaces it in the
// template name and index patterns, and `elasticsearch.replicas` (when set) their replica count. Each file's
// top-level `version` (or `_meta.version`) says whether the installed template is current; a template or an
// existing index whose replicas differ from the configuration is brought in line too.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchStore } from './search-store.js';
import { packageFile } from '../package-file.js';
import { SinkError, statusCodeOf } from './errors.js';
import { indexPrefixProblem } from './index-name.js';
import { describeReplicas, replicaSettingOf, replicaSettingsBody, replicasMatch, withReplicas, type ReplicaSetting } from './replicas.js';
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
  /** Existing indices the template's new fields or replica count could not be applied to. */
  problems?: string[];
  /** Existing indices whose replica count was changed to the configured one. */
  replicasChanged?: string[];
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

/** The templates for this configuration: prefix and replica count applied. */
export function configuredTemplates(config: SinkConfigInput, mappingsDir?: string): IndexTemplateSpec[] {
  const { indexPrefix, replicas } = sinkConfig(config);
  return loadIndexTemplates(indexPrefix, mappingsDir).map((spec) => ({ ...spec, body: withReplicas(spec.body, replicas) }));
}

/** The replica setting a template body gives its indices. */
export function templateReplicas(spec: IndexTemplateSpec): ReplicaSetting {
  return replicaSettingOf((spec.body['template'] as { settings?: unknown } | undefined)?.settings);
}

/**
 * Install every template that is missing, older than its file, or set to other replicas than configured
 * (idempotent: a second run changes nothing).
 * A template installed by a newer mailverdict (higher version) is left alone.
 */
export async function ensureIndexTemplates(
  client: SearchStore,
  config: SinkConfigInput,
  options: IndexSetupOptions = {},
): Promise<TemplateChange[]> {
  const specs = configuredTemplates(config, options.mappingsDir);
  const changes: TemplateChange[] = [];
  for (const spec of specs) {
    const installed = await getInstalled(client, spec.name);
    const current = installed !== undefined && installed.version !== undefined && installed.version >= spec.version &&
      samePatterns(installed.patterns, spec.indexPatterns);
    // A newer mailverdict's template is never replaced by this one's, not even for its replica count.
    const newer = installed?.version !== undefined && installed.version > spec.version;
    if (current && (newer || replicasMatch(installed.replicas, templateReplicas(spec)))) {
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
  // every document carrying a new field into a dead letter until the next month. Their replica count follows
  // the configuration at once, not only from next month's index on.
  for (const [i, spec] of specs.entries()) {
    const { problems, replicasChanged } = await updateExistingIndices(client, spec);
    const change = changes[i];
    if (change === undefined) continue;
    if (problems.length > 0) change.problems = problems;
    if (replicasChanged.length > 0) change.replicasChanged = replicasChanged;
  }
  return changes;
}

/** Adds the template's fields to each existing index it matches and sets its replica count; an index that
 * refuses (a conflicting mapping from elsewhere) is reported, not fatal, so one foreign index cannot stop the pipeline. */
async function updateExistingIndices(client: SearchStore, spec: IndexTemplateSpec): Promise<{ problems: string[]; replicasChanged: string[] }> {
  const mappings = (spec.body['template'] as { mappings?: { properties?: Record<string, unknown> } } | undefined)?.mappings;
  const wanted = templateReplicas(spec);
  const existing = await existingIndices(client, spec);
  const problems: string[] = [];
  const replicasChanged: string[] = [];
  for (const [index, state] of Object.entries(existing)) {
    if (mappings?.properties !== undefined) {
      try {
        await client.indices.putMapping({ index, properties: mappings.properties } as Parameters<SearchStore['indices']['putMapping']>[0]);
      } catch (err) {
        problems.push(`index ${index} keeps its old mapping: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`);
      }
    }
    if (replicasMatch(replicaSettingOf(state.settings), wanted)) continue;
    try {
      await client.indices.putSettings({ index, settings: replicaSettingsBody(wanted) } as Parameters<SearchStore['indices']['putSettings']>[0]);
      replicasChanged.push(index);
    } catch (err) {
      problems.push(`index ${index} keeps its replica count: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`);
    }
  }
  return { problems, replicasChanged };
}

async function existingIndices(client: SearchStore, spec: IndexTemplateSpec): Promise<Record<string, { settings?: unknown }>> {
  const index = spec.indexPatterns.join(',');
  return request(`GET ${index}`, () => client.indices.get({ index, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: 'open' }));
}

/** Problems with the installed templates (missing, outdated, other index patterns); empty when all is well. */
export async function checkIndexTemplates(
  client: SearchStore,
  config: SinkConfigInput,
  options: IndexSetupOptions = {},
): Promise<string[]> {
  const specs = configuredTemplates(config, options.mappingsDir);
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
    } else if (installed.version === spec.version && !replicasMatch(installed.replicas, templateReplicas(spec))) {
      problems.push(`index template ${spec.name} gives ${describeReplicas(installed.replicas)}, ${replicasWanted(config, spec)} (run \`mailverdict setup\`)`);
    }
  }
  return problems;
}

/**
 * Existing indices whose replica count differs from the configuration (`mailverdict setup` changes them), one line
 * per template. Separate from checkIndexTemplates: a worker need not refuse to start over it.
 */
export async function checkIndexReplicas(
  client: SearchStore,
  config: SinkConfigInput,
  options: IndexSetupOptions = {},
): Promise<string[]> {
  const problems: string[] = [];
  for (const spec of configuredTemplates(config, options.mappingsDir)) {
    const wanted = templateReplicas(spec);
    const existing = await existingIndices(client, spec);
    const off = Object.entries(existing).filter(([, state]) => !replicasMatch(replicaSettingOf(state.settings), wanted));
    if (off.length === 0) continue;
    const names = off.map(([index, state]) => `${index} (${describeReplicas(replicaSettingOf(state.settings))})`).sort();
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    problems.push(`${off.length === 1 ? 'index' : `${off.length} indices`} ${shown}: ${replicasWanted(config, spec)} (run \`mailverdict setup\`)`);
  }
  return problems;
}

function replicasWanted(config: SinkConfigInput, spec: IndexTemplateSpec): string {
  const replicas = sinkConfig(config).replicas;
  return replicas === undefined
    ? `expected ${describeReplicas(templateReplicas(spec))} as mappings/${spec.file} says (elasticsearch.replicas is not set)`
    : `expected ${describeReplicas(templateReplicas(spec))} (elasticsearch.replicas: ${replicas})`;
}

async function getInstalled(client: SearchStore, name: string): Promise<{ version: number | undefined; patterns: string[]; replicas: ReplicaSetting } | undefined> {
  try {
    const response = await client.indices.getIndexTemplate({ name });
    const found = response.index_templates.find((t) => t.name === name);
    if (found === undefined) return undefined;
    const template = found.index_template as unknown as Record<string, unknown>;
    const patterns = template['index_patterns'];
    return {
      version: templateVersion(template),
      patterns: Array.isArray(patterns) ? patterns.map(String) : typeof patterns === 'string' ? [patterns] : [],
      replicas: replicaSettingOf((template['template'] as { settings?: unknown } | undefined)?.settings),
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
