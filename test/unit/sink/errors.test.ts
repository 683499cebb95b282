import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { SinkError, TransientIndexError, redactSecrets, safeCause } from '../../../src/sink/errors.js';

describe('redactSecrets', () => {
  it('removes URL credentials and Authorization values', () => {
    expect(redactSecrets('connect to https://elastic:s3cret@es.example:9200/_bulk failed'))
      .toBe('connect to https://[redacted]@es.example:9200/_bulk failed');
    expect(redactSecrets('authorization: ApiKey dGhpcyBpcyBzZWNyZXQ=')).toBe('authorization: ApiKey [redacted]');
    expect(redactSecrets('Basic ZWxhc3RpYzpzM2NyZXQ= and Bearer abc.def-ghi')).toBe('Basic [redacted] and Bearer [redacted]');
    expect(redactSecrets('http://es.example:9200 is fine')).toBe('http://es.example:9200 is fine');
  });
});

describe('errors keep meta and cause without secrets', () => {
  it('drops the client meta (request headers) from the cause', () => {
    const original = new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:1', {
      body: undefined,
      statusCode: null,
      headers: null,
      warnings: null,
      meta: {
        request: { params: { method: 'POST', path: '/_bulk', headers: { authorization: 'ApiKey c2VjcmV0LWtleQ==' } } },
      },
    } as never);
    const err = new TransientIndexError('Elasticsearch unavailable', { meta: { attempts: 3, errorType: 'ConnectionError' }, cause: original });
    expect(err).toBeInstanceOf(SinkError);
    expect(err.code).toBe('transient_index_failure');
    expect(err.name).toBe('TransientIndexError');
    expect(err.meta).toEqual({ attempts: 3, errorType: 'ConnectionError' });
    const cause = err.cause as Error;
    expect(cause.name).toBe('ConnectionError');
    expect(cause.message).toBe('connect ECONNREFUSED 127.0.0.1:1');
    const everything = JSON.stringify({ err, cause, props: Object.getOwnPropertyNames(cause).map((k) => (cause as never)[k]) });
    expect(everything).not.toContain('c2VjcmV0LWtleQ');
    expect((cause as unknown as { meta?: unknown }).meta).toBeUndefined();
  });

  it('redacts credentials in the message and the cause', () => {
    const err = new SinkError('elasticsearch_request_failed', 'GET https://u:pw@host/ failed', { cause: new Error('at https://u:pw@host/') });
    expect(err.message).not.toContain('pw');
    expect((err.cause as Error).message).not.toContain('pw');
    expect(safeCause('plain https://a:b@c').message).toBe('plain https://[redacted]@c');
  });
});
