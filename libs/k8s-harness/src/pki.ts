import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  /** Client certificate in system:masters: used by the tests and every component. */
  adminCert: string;
  adminKey: string;
  /** Service-account token signing key pair. */
  saKey: string;
  saPub: string;
}

/** The first address of the service range, which the API server claims for the `kubernetes` Service. */
export const SERVICE_CIDR = '10.96.0.0/16';
const KUBERNETES_SERVICE_IP = '10.96.0.1';

/**
 * Fresh throwaway PKI per control plane, so nothing secret lives in the repo.
 * The openssl CLI signs the certificates because node:crypto cannot; P-256
 * keys keep generation in the tens of milliseconds.
 */
export async function generatePki(dir: string, days = 30): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string) => join(dir, f);
  const pki: Pki = {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('apiserver.crt'),
    serverKey: p('apiserver.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };

  await newCert(
    dir,
    'ca',
    days,
    ['CN = ha-shop-local-ca'],
    [
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
      'subjectKeyIdentifier = hash',
    ],
  );

  const sans = [
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
    'IP:127.0.0.1',
    `IP:${KUBERNETES_SERVICE_IP}`,
  ];
  const leaf = (eku: string, extra: string[] = []) => [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    `extendedKeyUsage = ${eku}`,
    'authorityKeyIdentifier = keyid',
    ...extra,
  ];
  await Promise.all([
    newCert(
      dir,
      'apiserver',
      days,
      ['CN = kube-apiserver'],
      leaf('serverAuth', [`subjectAltName = ${sans.join(', ')}`]),
      pki,
    ),
    newCert(dir, 'admin', days, ['O = system:masters', 'CN = ha-shop-admin'], leaf('clientAuth'), pki),
  ]);

  const sa = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(pki.saKey, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(pki.saPub, sa.publicKey.export({ type: 'spki', format: 'pem' }));
  return pki;
}

/**
 * One key and certificate: self-signed when `ca` is absent. Uses the
 * CSR-then-sign form rather than `req -x509 -CA` so OpenSSL 1.1.1 works too.
 */
async function newCert(dir: string, name: string, days: number, subject: string[], ext: string[], ca?: Pki) {
  const cfg = join(dir, `${name}.cnf`);
  writeFileSync(
    cfg,
    ['[req]', 'prompt = no', 'distinguished_name = dn', '[dn]', ...subject, '[ext]', ...ext, ''].join('\n'),
  );
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key];
  if (!ca) {
    await openssl([
      'req',
      '-x509',
      '-new',
      ...newKey,
      '-config',
      cfg,
      '-extensions',
      'ext',
      '-days',
      `${days}`,
      '-out',
      crt,
    ]);
    return;
  }
  const csr = join(dir, `${name}.csr`);
  await openssl(['req', '-new', ...newKey, '-config', cfg, '-out', csr]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.caCert,
    '-CAkey',
    ca.caKey,
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-days',
    `${days}`,
    '-extfile',
    cfg,
    '-extensions',
    'ext',
    '-out',
    crt,
  ]);
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed (is the openssl CLI installed?): ${e.stderr || e.message}`);
  }
}
