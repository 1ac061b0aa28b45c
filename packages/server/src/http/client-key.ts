import { isIPv4, isIPv6 } from 'node:net'

/**
 * The key that per-client limits count under, from the request's address: an IPv4
 * address as is (also when IPv4-mapped, `::ffff:203.0.113.7`), an IPv6 address by
 * its /64, since one subscriber usually gets a whole /64 and could otherwise walk
 * through 2^64 addresses to reset any per-address limit.
 */
export function rateLimitKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) return mapped[1]!
  if (isIPv4(ip) || !isIPv6(ip)) return ip
  const [head = '', tail = ''] = ip.toLowerCase().split('::')
  const left = head === '' ? [] : head.split(':')
  const right = ip.includes('::') ? (tail === '' ? [] : tail.split(':')) : []
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left
  const prefix = groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''))
  return `${prefix.join(':')}::/64`
}
