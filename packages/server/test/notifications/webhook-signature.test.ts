import { describe, expect, it } from 'vitest'
import {
  computeSignature,
  signWebhookPayload,
  verifyWebhookSignature,
} from '../../src/integrations/webhooks/signature'
import {
  assertWebhookUrlShape,
  isPrivateAddress,
  resolveWebhookTarget,
  WebhookTargetRefused,
} from '../../src/integrations/webhooks/ssrf-guard'

const SECRET = 'whsec_test'
const BODY = '{"type":"booking.created","data":{}}'
const T = 1_800_000_000

describe('webhook signatures', () => {
  it('signs HMAC-SHA256 over "<timestamp>.<body>" and verifies it', () => {
    const header = signWebhookPayload(SECRET, BODY, T)
    expect(header).toBe(`t=${T},v1=${computeSignature(SECRET, T, BODY)}`)
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T * 1000 })).toEqual({
      ok: true,
      timestamp: T,
    })
    expect(verifyWebhookSignature(SECRET, header, Buffer.from(BODY), { now: T * 1000 }).ok).toBe(
      true,
    )
  })

  it.each([
    ['a changed body', SECRET, `${BODY} `, T * 1000, 'SIGNATURE_MISMATCH'],
    ['another secret', 'whsec_other', BODY, T * 1000, 'SIGNATURE_MISMATCH'],
    ['a timestamp 301 s old', SECRET, BODY, (T + 301) * 1000, 'TIMESTAMP_OUT_OF_TOLERANCE'],
  ])('rejects %s', (_, secret, body, now, reason) => {
    const header = signWebhookPayload(SECRET, BODY, T)
    expect(verifyWebhookSignature(secret, header, body, { now })).toEqual({ ok: false, reason })
  })

  it('honours a custom tolerance', () => {
    const header = signWebhookPayload(SECRET, BODY, T)
    expect(
      verifyWebhookSignature(SECRET, header, BODY, { now: (T + 600) * 1000, toleranceSeconds: 900 })
        .ok,
    ).toBe(true)
  })

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const header = `t=${T},v1=${computeSignature('old', T, BODY)},v1=${computeSignature(SECRET, T, BODY)}`
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T * 1000 }).ok).toBe(true)
  })

  it.each([undefined, '', 'v1=abc', `t=${T}`, 't=x,v1=00'])('rejects the header %j', (header) => {
    expect(verifyWebhookSignature(SECRET, header, BODY, { now: T * 1000 })).toEqual({
      ok: false,
      reason: 'MALFORMED_HEADER',
    })
  })
})

describe('webhook SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('%s is not public', (address) => {
    expect(isPrivateAddress(address)).toBe(true)
  })

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false)
    },
  )

  it.each([
    'ftp://example.com/x',
    'file:///etc/passwd',
    'gopher://x',
    'not a url',
    'http://u:p@example.com/',
  ])('refuses the URL %s', (url) => {
    expect(() => assertWebhookUrlShape(url)).toThrow(WebhookTargetRefused)
  })

  it('refuses a literal loopback or private target unless private targets are allowed', async () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://[::1]/hook', 'https://10.0.0.5/']) {
      await expect(
        resolveWebhookTarget(new URL(url), { allowPrivate: false }),
      ).rejects.toBeInstanceOf(WebhookTargetRefused)
      await expect(resolveWebhookTarget(new URL(url), { allowPrivate: true })).resolves.toBeTruthy()
    }
  })

  it('checks every address a host name resolves to (DNS pointing inside is refused)', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]
    const refused = await resolveWebhookTarget(new URL('https://hooks.example.com/x'), {
      allowPrivate: false,
      resolve,
    }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(WebhookTargetRefused)
    expect((refused as Error).message).toContain(
      'hooks.example.com resolves to a non-public address',
    )
    // The inside address it resolved to is never named.
    expect((refused as Error).message).not.toContain('10.0.0.7')
    const publicOnly = async () => [{ address: '93.184.216.34', family: 4 }]
    await expect(
      resolveWebhookTarget(new URL('https://hooks.example.com/x'), {
        allowPrivate: false,
        resolve: publicOnly,
      }),
    ).resolves.toEqual({ address: '93.184.216.34', family: 4 })
  })
})
