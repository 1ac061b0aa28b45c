/**
 * A certificate authority made at test time, and a server certificate it signed
 * for 127.0.0.1 and localhost: the Graph fake serves HTTPS with it (the Graph
 * client sends the bearer token over https only), and processes trust it
 * through NODE_EXTRA_CA_CERTS, which Node reads once, when it starts.
 *
 * node:crypto makes keys but cannot sign X.509 certificates, so the `openssl`
 * command line does (Debian's `openssl`, which `ca-certificates` depends on).
 * EC P-256 keys, valid two days: nothing here outlives a run.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The test CA and the server certificate it signed, as PEM. */
export interface TestTls {
  /** The CA certificate (what clients trust). */
  readonly ca: string
  /** The server certificate (127.0.0.1, localhost). */
  readonly cert: string
  /** The server certificate's private key. */
  readonly key: string
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ''
    const missing = (error as { code?: string }).code === 'ENOENT'
    throw new Error(
      missing
        ? 'the openssl command is required to make the test CA (apt-get install -y openssl)'
        : `openssl ${args[0]} failed: ${stderr.trim()}`,
    )
  }
}

/** Makes a CA and a server certificate in `dir` (an empty, private folder) and returns them. */
export function createTestTls(dir: string): TestTls & { caPath: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Slotkit test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  )
  openssl(
    ['req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
    dir,
  )
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  )
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    ],
    dir,
  )
  const read = (name: string) => readFileSync(join(dir, name), 'utf8')
  return {
    ca: read('ca.pem'),
    cert: read('server.pem'),
    key: read('server.key'),
    caPath: join(dir, 'ca.pem'),
  }
}

/**
 * Writes the CA bundle a process is started with as NODE_EXTRA_CA_CERTS: the test
 * CA, after the certificates of an existing NODE_EXTRA_CA_CERTS (a proxy's CA
 * stays trusted). Returns its path.
 */
export function writeCaBundle(dir: string, tls: TestTls, existing: string | undefined): string {
  let previous = ''
  try {
    previous = existing ? readFileSync(existing, 'utf8') : ''
  } catch {
    previous = ''
  }
  const path = join(dir, 'ca-bundle.pem')
  writeFileSync(path, `${previous.trimEnd()}${previous ? '\n' : ''}${tls.ca}`)
  return path
}
