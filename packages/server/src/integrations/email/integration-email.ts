import type { RenderedEmail } from './templates'

/** What the e-mail about a disconnected calendar account shows. */
export interface IntegrationDisconnectedContext {
  readonly hostName: string
  /** The provider's id: 'google', 'caldav'. */
  readonly provider: string
  /** "Google Calendar". */
  readonly providerName: string
  readonly accountEmail: string
  /** Why (the provider's refusal), as recorded on the integration. */
  readonly reason: string | null
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * The host's e-mail when a provider refuses an integration's stored access
 * (revoked in the account, expired, password changed): its busy times keep
 * blocking slots as they were last synced, but no longer follow the calendar,
 * until the host connects it again or removes it. It never carries a token.
 */
export function renderIntegrationDisconnectedEmail(
  context: IntegrationDisconnectedContext,
): RenderedEmail {
  const subject = `Reconnect your calendar: ${context.providerName} (${context.accountEmail})`
  const paragraphs = [
    `Hello ${context.hostName},`,
    `Slotkit can no longer read ${context.providerName} ${context.accountEmail}: the provider refused the access you granted.`,
    'Your booking page keeps working and still avoids the busy times synced before this, but changes you make in that calendar no longer reach Slotkit.',
    // OAuth providers reconnect through consent; CalDAV with the account's current password.
    context.provider === 'caldav'
      ? 'Connect the account again with its current password (POST /api/integrations/caldav; for iCloud and Fastmail a new app-specific password), or in the calendar settings of the app you use with Slotkit, or remove it if you no longer want it.'
      : `Connect the account again (POST /api/integrations/${context.provider}/authorize, or the calendar settings of the app you use with Slotkit), or remove it if you no longer want it.`,
  ]
  const text = [
    ...paragraphs.flatMap((p) => [p, '']),
    ...(context.reason ? [`Reason: ${context.reason}`, ''] : []),
    '-- ',
    'Sent by Slotkit',
    '',
  ].join('\n')
  const e = escapeHtml
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;color:#1d1d1f;max-width:36rem;margin:0 auto;padding:1rem">
${paragraphs.map((p) => `<p>${e(p)}</p>`).join('\n')}
${context.reason ? `<p style="color:#666">Reason: ${e(context.reason)}</p>` : ''}
<p style="color:#666;font-size:.875rem">Sent by Slotkit</p>
</body></html>
`
  return { subject, text, html }
}
