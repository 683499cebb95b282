import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, classifyItem, classifyRequestError } from '../../../src/sink/retry-policy.js';

const response = (statusCode: number, type = 'some_exception'): errors.ResponseError =>
  new errors.ResponseError({
    body: { error: { type, reason: 'r' }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });

describe('classifyItem', () => {
  it('created, duplicate (409), retry (overload, 5xx), reject (the document itself)', () => {
    expect(classifyItem(201)).toBe('created');
    expect(classifyItem(409, 'version_conflict_engine_exception')).toBe('duplicate');
    expect(classifyItem(429, 'es_rejected_execution_exception')).toBe('retry');
    expect(classifyItem(503, 'unavailable_shards_exception')).toBe('retry');
    expect(classifyItem(500)).toBe('retry');
    expect(classifyItem(400, 'document_parsing_exception')).toBe('reject');
    expect(classifyItem(400, 'mapper_parsing_exception')).toBe('reject');
    expect(classifyItem(400, 'strict_dynamic_mapping_exception')).toBe('reject');
    expect(classifyItem(400, 'illegal_argument_exception')).toBe('reject');
  });

  it('does not dead-letter documents for the cluster\'s state', () => {
    expect(classifyItem(403, 'cluster_block_exception')).toBe('retry');
    expect(classifyItem(400, 'index_closed_exception')).toBe('retry');
    expect(classifyItem(404, 'index_not_found_exception')).toBe('retry');
    expect(classifyItem(400, 'es_rejected_execution_exception')).toBe('retry');
  });
});

describe('classifyRequestError', () => {
  it('retries connection problems, timeouts, 408/429/5xx', () => {
    expect(classifyRequestError(new errors.ConnectionError('connect ECONNREFUSED'))).toBe('retry');
    expect(classifyRequestError(new errors.TimeoutError('Request timed out'))).toBe('retry');
    expect(classifyRequestError(new errors.NoLivingConnectionsError('none', {} as never))).toBe('retry');
    expect(classifyRequestError(response(429))).toBe('retry');
    expect(classifyRequestError(response(502))).toBe('retry');
    expect(classifyRequestError(response(503))).toBe('retry');
  });

  it('splits on 413 and gives up on auth or malformed requests', () => {
    expect(classifyRequestError(response(413))).toBe('split');
    expect(classifyRequestError(response(401, 'security_exception'))).toBe('fatal');
    expect(classifyRequestError(response(400, 'illegal_argument_exception'))).toBe('fatal');
    expect(classifyRequestError(new Error('bug'))).toBe('fatal');
  });
});

describe('backoffDelayMs', () => {
  it('doubles per retry, jitters between half and full, caps at max', () => {
    expect(backoffDelayMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelayMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelayMs(3, 100, 10_000, () => 0)).toBe(400);
    expect(backoffDelayMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelayMs(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelayMs(1_000, 100, 10_000, () => 0.5)).toBe(7_500);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelayMs(2, 100, 10_000);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});
