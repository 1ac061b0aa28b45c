import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config'

describe('Microsoft configuration', () => {
  it('defaults the tenant and URLs, and needs MICROSOFT_CLIENT_SECRET with MICROSOFT_CLIENT_ID', () => {
    expect(loadConfig({})).toMatchObject({
      microsoftClientId: undefined,
      microsoftClientSecret: undefined,
      microsoftTenant: 'common',
      microsoftLoginUrl: 'https://login.microsoftonline.com',
      microsoftGraphUrl: 'https://graph.microsoft.com',
    })
    expect(() => loadConfig({ MICROSOFT_CLIENT_ID: 'app-id' })).toThrow(/MICROSOFT_CLIENT_SECRET/)
    expect(
      loadConfig({
        MICROSOFT_CLIENT_ID: 'app-id',
        MICROSOFT_CLIENT_SECRET: 'app-secret',
        MICROSOFT_TENANT: 'contoso.onmicrosoft.com',
        MICROSOFT_LOGIN_URL: 'https://127.0.0.1:8443/',
        MICROSOFT_GRAPH_URL: 'https://127.0.0.1:8443/',
      }),
    ).toMatchObject({
      microsoftClientId: 'app-id',
      microsoftTenant: 'contoso.onmicrosoft.com',
      // Trailing slashes go: paths are appended to these.
      microsoftLoginUrl: 'https://127.0.0.1:8443',
      microsoftGraphUrl: 'https://127.0.0.1:8443',
    })
  })

  it.each([
    // The Graph client sends the bearer token over https only, and reads the first path
    // segment of an absolute @odata.nextLink as the API version.
    ['MICROSOFT_GRAPH_URL', 'http://graph.example.com', /https/],
    ['MICROSOFT_GRAPH_URL', 'https://graph.example.com/proxy', /origin only/],
    ['MICROSOFT_LOGIN_URL', 'ftp://login.example.com', /http/],
    ['MICROSOFT_TENANT', 'a/../b', /tenant/],
  ])('rejects %s=%s, naming the variable', (variable, value, message) => {
    let caught: unknown
    try {
      loadConfig({ [variable]: value })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ConfigError)
    expect((caught as ConfigError).variable).toBe(variable)
    expect((caught as Error).message).toMatch(message)
  })
})
