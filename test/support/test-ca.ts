// A throw-away certificate authority for TLS tests, made with the `openssl` CLI in a directory the
// test owns. Files stay on disk (certPath, keyPath, caPath) for real peers such as Kamailio.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IssuedCert {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

export interface IssueOptions {
  /** Subject CN (default: the first name). */
  cn?: string;
  /** IP subjectAltNames as well as the DNS names. */
  ips?: string[];
  days?: number;
  /** File name stem in the CA directory (default: derived from the first name). */
  file?: string;
}

export interface TestCa {
  dir: string;
  caCert: string;
  caKey: string;
  caPath: string;
  /** A leaf certificate for `names` (DNS SANs, wildcards allowed), usable as server and client. */
  issue(names: string[], opts?: IssueOptions): IssuedCert;
}

const openssl = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

export function makeTestCa(dir: string, name = 'ccx test CA'): TestCa {
  mkdirSync(dir, { recursive: true });
  const caPath = join(dir, 'ca.crt');
  const caKeyPath = join(dir, 'ca.key');
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
      .concat(['-keyout', caKeyPath, '-out', caPath, '-days', '30', '-subj', `/CN=${name}`])
      .concat([
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ]),
    dir,
  );
  let serial = 1;
  const issue = (names: string[], opts: IssueOptions = {}): IssuedCert => {
    const first = names[0];
    if (!first) throw new Error('issue() needs at least one name');
    const stem = opts.file ?? first.replace(/\*/g, 'wildcard').replace(/[^A-Za-z0-9.-]/g, '_');
    const keyPath = join(dir, `${stem}.key`);
    const csrPath = join(dir, `${stem}.csr`);
    const certPath = join(dir, `${stem}.crt`);
    const extPath = join(dir, `${stem}.ext`);
    const san = [...names.map((n) => `DNS:${n}`), ...(opts.ips ?? []).map((ip) => `IP:${ip}`)];
    writeFileSync(
      extPath,
      [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=${san.join(',')}`,
        '',
      ].join('\n'),
    );
    openssl(
      ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
        '-keyout',
        keyPath,
        '-out',
        csrPath,
        '-subj',
        `/CN=${opts.cn ?? first}`,
      ]),
      dir,
    );
    openssl(
      ['x509', '-req', '-in', csrPath, '-CA', caPath, '-CAkey', caKeyPath]
        .concat(['-set_serial', String(serial++), '-days', String(opts.days ?? 30)])
        .concat(['-extfile', extPath, '-out', certPath]),
      dir,
    );
    return {
      cert: readFileSync(certPath, 'utf8'),
      key: readFileSync(keyPath, 'utf8'),
      certPath,
      keyPath,
    };
  };
  return {
    dir,
    caCert: readFileSync(caPath, 'utf8'),
    caKey: readFileSync(caKeyPath, 'utf8'),
    caPath,
    issue,
  };
}
