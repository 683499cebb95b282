// The alert index is both the history the dashboard shows and the alerter's persistent state. A transition is
// written with `create` under a deterministic _id (alert id + state): the first writer wins, and a repeat —
// after a restart, or from a second alerter process — gets 409 and is not notified again.
import type { SearchStore } from '../sink/search-store.js';
import { alertKey, type ActiveAlert, type AlertEvent } from './alert-event.js';

const PAGE_SIZE = 500;
const MAX_PAGES = 40;

export function alertIndexName(indexPrefix: string): string {
  return `${indexPrefix}-alerts`;
}

export class AlertStore {
  constructor(private readonly client: SearchStore, readonly index: string) {}

  /** Writes the transition; false when it was already recorded (then nobody must be notified again). */
  async record(event: AlertEvent): Promise<boolean> {
    try {
      await this.client.create({ index: this.index, id: `${event.alert_id}:${event.state}`, document: event, refresh: 'wait_for' });
      return true;
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) return false;
      throw err;
    }
  }

  /** Incidents whose latest transition is `fired`, by {@link alertKey}. */
  async loadActive(): Promise<Map<string, ActiveAlert>> {
    const active = new Map<string, ActiveAlert>();
    let after: Record<string, string | number | null> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const composite: Record<string, unknown> = {
        size: PAGE_SIZE,
        sources: [{ rule: { terms: { field: 'rule' } } }, { gateway: { terms: { field: 'gateway' } } }],
      };
      if (after !== undefined) composite['after'] = after;
      const response = await this.client.search({
        index: this.index,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 0,
        aggs: {
          pairs: {
            composite,
            aggs: {
              latest: {
                top_hits: {
                  size: 1,
                  sort: [{ '@timestamp': { order: 'desc' } }, { state: { order: 'desc' } }],
                  _source: { includes: ['alert_id', 'state', 'rule', 'gateway', '@timestamp'] },
                },
              },
            },
          },
        },
      });
      const agg = (response.aggregations as { pairs?: { buckets: PairBucket[]; after_key?: Record<string, string> } } | undefined)?.pairs;
      for (const b of agg?.buckets ?? []) {
        const doc = b.latest.hits.hits[0]?._source;
        if (doc?.state === 'fired') {
          active.set(alertKey(doc.rule, doc.gateway), { alertId: doc.alert_id, rule: doc.rule, gateway: doc.gateway, firedAt: doc['@timestamp'] });
        }
      }
      if (agg === undefined || agg.buckets.length < PAGE_SIZE || agg.after_key === undefined) break;
      after = agg.after_key;
    }
    return active;
  }
}

interface PairBucket {
  latest: { hits: { hits: { _source?: Pick<AlertEvent, 'alert_id' | 'state' | 'rule' | 'gateway' | '@timestamp'> }[] } };
}
