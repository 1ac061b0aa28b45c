import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/** Raised for a webhook URL that must never be called (not retried). */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused'
}

// Loopback, private, link-local (cloud metadata 169.254.169.254), CGNAT,
// unspecified, multicast and reserved ranges, IPv4 and IPv6.
const blocked = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6')
}

/** True for loopback, private-network, link-local and other non-public addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return blocked.check(address, 'ipv4')
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1) is checked as the IPv4 address it maps to.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4')
    return blocked.check(address, 'ipv6')
  }
  return true
}

/** Checks the shape of a webhook URL: http(s) only, no credentials. Throws {@link WebhookTargetRefused}. */
export function assertWebhookUrlShape(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new WebhookTargetRefused('not a valid URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookTargetRefused('only http and https URLs are allowed')
  }
  if (url.username || url.password) {
    throw new WebhookTargetRefused('URLs with credentials are not allowed')
  }
  return url
}

/** Resolves host names; injectable for tests. */
export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>

const resolveWithDns: ResolveHost = (hostname) => dnsLookup(hostname, { all: true })

/**
 * Resolves the URL's host and returns the address to connect to, refusing
 * non-public addresses unless `allowPrivate`. Every resolved address must be
 * public, and the caller connects to the returned address (not to a second
 * lookup), so DNS rebinding cannot swap in a private one between check and use.
 */
export async function resolveWebhookTarget(
  url: URL,
  options: { allowPrivate: boolean; resolve?: ResolveHost },
): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const literal = isIP(host)
  const addresses = literal
    ? [{ address: host, family: literal }]
    : await (options.resolve ?? resolveWithDns)(host).catch((error: unknown) => {
        throw new Error(`cannot resolve ${host}: ${(error as Error).message}`)
      })
  const first = addresses[0]
  if (!first) throw new Error(`cannot resolve ${host}`)
  if (!options.allowPrivate) {
    if (addresses.some((a) => isPrivateAddress(a.address))) {
      // Never name the address a host name resolved to: the message reaches the
      // caller (and the delivery log), and would map the inside of the network.
      throw new WebhookTargetRefused(
        `${host} ${literal ? 'is' : 'resolves to'} a non-public address (loopback, private network, link-local or reserved); set WEBHOOK_ALLOW_PRIVATE=true to allow it`,
      )
    }
  }
  return first
}
