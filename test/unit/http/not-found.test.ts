import { describe, expect, it } from 'vitest';
import { RouteIndex } from '../../../src/http/not-found.js';

describe('RouteIndex', () => {
  const index = new RouteIndex();
  index.add({ url: '/v1/runs', method: ['GET', 'POST'] });
  index.add({ url: '/v1/runs/:run_id', method: 'GET' });
  index.add({ url: '/v1/runs/:run_id', method: 'DELETE' });
  index.add({ url: '/v1/runs/:run_id/dataset', method: 'GET' });
  index.add({ url: '/files/*', method: 'GET' });

  it('lists the methods of every template matching a concrete path', () => {
    expect(index.allowedMethods('/v1/runs')).toEqual(['GET', 'POST']);
    expect(index.allowedMethods('/v1/runs/abc-123')).toEqual(['DELETE', 'GET']);
    expect(index.allowedMethods('/v1/runs/abc/dataset')).toEqual(['GET']);
    expect(index.allowedMethods('/files/a/b/c')).toEqual(['GET']);
  });

  it('finds nothing for paths no template matches', () => {
    expect(index.allowedMethods('/v1/runs/')).toEqual([]);
    expect(index.allowedMethods('/v1/runs/a/b')).toEqual([]);
    expect(index.allowedMethods('/v1/run')).toEqual([]);
    expect(index.allowedMethods('/v1/runsX')).toEqual([]);
  });

  it('treats template characters literally', () => {
    const dotted = new RouteIndex();
    dotted.add({ url: '/openapi.json', method: 'GET' });
    expect(dotted.allowedMethods('/openapi.json')).toEqual(['GET']);
    expect(dotted.allowedMethods('/openapiXjson')).toEqual([]);
  });
});
