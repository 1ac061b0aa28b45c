import { describe, expect, it } from 'vitest'
import { rateLimitKey } from './client-key'

describe('rateLimitKey', () => {
  it('keys IPv4 addresses by the whole address', () => {
    expect(rateLimitKey('203.0.113.7')).toBe('203.0.113.7')
    expect(rateLimitKey('203.0.113.8')).not.toBe(rateLimitKey('203.0.113.7'))
  })

  it.each([
    ['2001:db8:0:12::1', '2001:db8:0:12::/64'],
    ['2001:db8:0:12:ffff:ffff:ffff:ffff', '2001:db8:0:12::/64'],
    ['2001:0DB8:0000:0012:0000:0000:0000:0001', '2001:db8:0:12::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:1:2:3::', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
  ])('keys the IPv6 address %s by its /64 %s', (ip, key) => {
    expect(rateLimitKey(ip)).toBe(key)
  })

  it('gives two addresses of one /64 the same key, and two /64s different keys', () => {
    expect(rateLimitKey('2001:db8:0:12::1')).toBe(rateLimitKey('2001:db8:0:12:abcd::99'))
    expect(rateLimitKey('2001:db8:0:12::1')).not.toBe(rateLimitKey('2001:db8:0:13::1'))
  })

  it.each([
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['0:0:0:0:0:ffff:203.0.113.7', '203.0.113.7'],
  ])('keys the IPv4-mapped %s as the IPv4 address %s', (ip, key) => {
    expect(rateLimitKey(ip)).toBe(key)
  })

  it('returns what is not an IP address unchanged', () => {
    expect(rateLimitKey('')).toBe('')
    expect(rateLimitKey('not-an-ip')).toBe('not-an-ip')
  })
})
