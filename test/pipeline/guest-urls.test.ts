import { describe, expect, it } from 'vitest';
import { GuestUrlMap, isLoopbackUrl } from '../../src/pipeline/guest-urls.js';

describe('isLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/x', true],
    ['http://localhost/x', true],
    ['http://127.1.2.3/x', true],
    ['http://[::1]:81/x', true],
    ['https://localhost/x', true],
    ['http://mirror.example/x', false],
    ['ftp://127.0.0.1/x', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => expect(isLoopbackUrl(url)).toBe(expected));
});

describe('GuestUrlMap', () => {
  it('relays each loopback directory once and rewrites URLs for the guest', () => {
    const map = new GuestUrlMap();
    expect(map.register('http://127.0.0.1:8123/payload/rootfs.tar.gz')).toBe(true);
    expect(map.register('http://127.0.0.1:8123/payload/other.img')).toBe(true);
    expect(map.register('http://localhost:9000/repo/')).toBe(true);
    expect(map.register('http://mirror.example/f19/')).toBe(false);
    expect(map.routes).toEqual([
      { prefix: '/relay/0/', upstream: 'http://127.0.0.1:8123/payload/' },
      { prefix: '/relay/1/', upstream: 'http://localhost:9000/repo/' },
    ]);
    const base = 'http://10.0.2.2:4000';
    expect(map.rewrite('http://127.0.0.1:8123/payload/rootfs.tar.gz', base)).toBe('http://10.0.2.2:4000/relay/0/rootfs.tar.gz');
    expect(map.rewrite('http://localhost:9000/repo/', base)).toBe('http://10.0.2.2:4000/relay/1/');
    expect(map.rewrite('http://mirror.example/f19/', base)).toBe('http://mirror.example/f19/');
  });
});
