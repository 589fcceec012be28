import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectableUrl } from '../../src/http/connectable-url.js';

describe('connectableUrl', () => {
  it('names loopback, not the wildcard, when the server listens on every interface', () => {
    assert.deepEqual(connectableUrl({ address: '0.0.0.0', family: 'IPv4', port: 8080 }), {
      url: 'http://127.0.0.1:8080',
      wildcard: '0.0.0.0',
    });
    assert.deepEqual(connectableUrl({ address: '::', family: 'IPv6', port: 8080 }), {
      url: 'http://[::1]:8080',
      wildcard: '::',
    });
  });

  it('keeps a specific address as it is', () => {
    assert.deepEqual(connectableUrl({ address: '127.0.0.1', family: 'IPv4', port: 9 }), {
      url: 'http://127.0.0.1:9',
      wildcard: undefined,
    });
    assert.deepEqual(connectableUrl({ address: '::1', family: 'IPv6', port: 9 }), {
      url: 'http://[::1]:9',
      wildcard: undefined,
    });
  });
});
