import { describe, expect, it } from 'vitest';
import { ConnectionErrors, errorCode, type ConnectionErrorReport } from '../../../src/observability/connection-errors.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' });
const wrongPass = Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), { command: { name: 'auth', args: ['hunter2'] } });

describe('ConnectionErrors', () => {
  it('counts every error, reports the first of an episode, and a new episode after ready or a quiet period', () => {
    let t = 0;
    const reports: ConnectionErrorReport[] = [];
    const counted: string[] = [];
    const recovered: [string, number][] = [];
    const errors = new ConnectionErrors({
      report: (e) => reports.push(e), count: (stage, code) => counted.push(`${stage}/${code}`),
      recovered: (source, n) => recovered.push([source, n]), quietMs: 1000, now: () => t,
    });
    const onRedis = errors.listener('queueing', 'redis', () => 'Redis at 127.0.0.1:6390: connection refused');
    for (let i = 0; i < 5; i++) { onRedis(refused); t += 200; }
    expect(counted).toEqual(Array(5).fill('queueing/ECONNREFUSED'));
    expect(reports).toEqual([{ stage: 'queueing', source: 'redis', code: 'ECONNREFUSED', message: 'Redis at 127.0.0.1:6390: connection refused', suppressed: 0 }]);
    errors.ready('redis');
    errors.ready('redis');
    expect(recovered).toEqual([['redis', 5]]);
    onRedis(refused);
    expect(reports).toHaveLength(2);
    t += 5000; // quiet for longer than quietMs: a new episode even without 'ready'
    onRedis(refused);
    expect(reports).toHaveLength(3);
    // Other sources have episodes of their own.
    errors.listener('indexing', 'worker')(refused);
    expect(reports.map((r) => r.source)).toEqual(['redis', 'redis', 'redis', 'worker']);
  });

  it('labels an AUTH failure by a bounded code and never puts the error object or its arguments in the report', () => {
    const reports: ConnectionErrorReport[] = [];
    new ConnectionErrors({ report: (e) => reports.push(e) }).listener('queueing', 'redis')(wrongPass);
    expect(reports[0]?.code).toBe('redis_auth');
    expect(JSON.stringify(reports)).not.toContain('hunter2');
    expect(errorCode(Object.assign(new Error('x'), { code: 'weird code!' }))).toBe('other');
  });
});
