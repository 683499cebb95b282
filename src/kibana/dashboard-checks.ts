// Static checks of the shipped saved objects against the index templates in mappings/: every field a panel uses
// is mapped in the template of the index pattern its data view covers, and aggregations and sorts only use
// aggregatable fields. Pure: templates and objects are passed in.
import { isAggregatable, mappedLeafFields } from '../mappings/field-paths.js';
import { allPanelRequests, type PanelRequestOptions } from './panel-requests.js';
import type { SavedObject } from './saved-objects.js';

export interface NamedTemplate {
  name: string;
  body: { index_patterns: string[] } & Record<string, unknown>;
}

/** The template whose index pattern covers a data view title ("mailverdict-2*" ← "mailverdict-2*"). */
export function templateForTitle(templates: readonly NamedTemplate[], title: string): NamedTemplate | undefined {
  const probe = title.replace(/\*+$/, '');
  return templates.find((t) => t.body.index_patterns.some((p) => {
    const prefix = p.replace(/\*+$/, '');
    return probe.startsWith(prefix) || (p.endsWith('*') && prefix.startsWith(probe) && probe !== '');
  }));
}

export function fieldProblems(objects: readonly SavedObject[], templates: readonly NamedTemplate[]): string[] {
  const options: PanelRequestOptions = { timeRange: { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' } };
  const problems: string[] = [];
  for (const req of allPanelRequests(objects, options)) {
    const template = templateForTitle(templates, req.index);
    if (template === undefined) {
      problems.push(`${req.name}: no index template covers ${req.index}`);
      continue;
    }
    const fields = mappedLeafFields(template.body);
    for (const f of req.fields) {
      if (!fields.has(f)) problems.push(`${req.name}: field ${f} is not mapped in ${template.name}`);
    }
    for (const f of req.aggregatedFields) {
      if (fields.has(f) && !isAggregatable(fields, f)) problems.push(`${req.name}: field ${f} (${fields.get(f)}) is not aggregatable`);
    }
  }
  return problems;
}
