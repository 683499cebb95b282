// The one reachability verdict `config check` and /health share, against a scripted client.
import { errors, type Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { elasticsearchReachability } from '../../../src/sink/elasticsearch-reachability.js';

const answering = (answer: unknown): Client => ({
  cluster: { health: async () => { if (answer instanceof Error) throw answer; return answer; } },
} as unknown as Client);
const refused = (statusCode: number): errors.ResponseError =>
  new errors.ResponseError({ body: { error: { type: 'security_exception' }, status: statusCode }, statusCode, headers: {}, warnings: null, meta: {} as never });

describe('elasticsearchReachability', () => {
  it('green and yellow are healthy, red is reachable but not healthy', async () => {
    expect(await elasticsearchReachability(answering({ cluster_name: 'c', status: 'yellow' }), 1000))
      .toEqual({ reachable: true, healthy: true, detail: 'cluster c, status yellow' });
    expect(await elasticsearchReachability(answering({ cluster_name: 'c', status: 'red' }), 1000))
      .toMatchObject({ reachable: true, healthy: false });
  });

  it('403 is reachable and authenticated, said plainly; 401 and connection errors throw', async () => {
    const r = await elasticsearchReachability(answering(refused(403)), 1000);
    expect(r).toMatchObject({ reachable: true, healthy: true });
    expect(r.detail).toContain('HTTP 403');
    expect(r.detail).toContain('monitor privilege');
    await expect(elasticsearchReachability(answering(refused(401)), 1000)).rejects.toThrow();
    await expect(elasticsearchReachability(answering(new Error('connect ECONNREFUSED')), 1000)).rejects.toThrow(/ECONNREFUSED/);
  });
});
