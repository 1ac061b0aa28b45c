import { isIP } from 'node:net'

/** The eight 16-bit groups of an IPv6 address (`::` expanded, an IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  // A zone (fe80::1%eth0) names the local interface, not the client.
  let text = address.replace(/%.*$/, '')
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16))
  const first = parse(head)
  const last = tail === undefined ? [] : parse(tail)
  return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last]
}

/**
 * The key per-client limits count a request's address under: an IPv4 address as
 * it is, an IPv6 address by its /64 (`2001:db8:0:12::/64`), an IPv4-mapped IPv6
 * address (`::ffff:203.0.113.7`) as the IPv4 address. One IPv6 subscriber or
 * server usually gets a whole /64, so counting single addresses would let one
 * client rotate through 2^64 budgets. Anything that is not an IP address is
 * returned unchanged.
 *
 * @example
 * rateLimitKey('2001:DB8::1') // '2001:db8:0:0::/64'
 * rateLimitKey('::ffff:203.0.113.7') // '203.0.113.7'
 */
export function rateLimitKey(ip: string): string {
  const family = isIP(ip)
  if (family !== 6) return ip
  const groups = ipv6Groups(ip)
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const high = groups[6] ?? 0
    const low = groups[7] ?? 0
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`
}
