// Signs a cluster's CSR the way a CloudHSM user does, with OpenSSL: a self-signed issuing CA
// (the trust anchor) and the cluster certificate it issues.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function signClusterCsr(csr: string): { signedCert: string; trustAnchor: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-ca-'));
  try {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    writeFileSync(join(dir, 'cluster.csr'), csr);
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '365', '-subj', '/CN=Issuing CA');
    run('x509', '-req', '-in', 'cluster.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'cluster.crt', '-days', '365');
    return { signedCert: readFileSync(join(dir, 'cluster.crt'), 'utf8'), trustAnchor: readFileSync(join(dir, 'ca.crt'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
