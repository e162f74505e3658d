import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SimApiServer } from './api-server.js';
import { generateCerts, type SimCerts } from './certs.js';

/**
 * Credentials that do not last, as managed clusters hand them out: an admin token valid for `ttlMs`,
 * a new one issued every half of that, written where a kubeconfig `tokenFile` and an exec credential
 * helper read it, and a CA file that a rotation replaces. Files are written by temp file and rename,
 * as the kubelet writes a projected service-account token.
 */
export class RotatingCredentials {
  private timer?: NodeJS.Timeout;

  constructor(private readonly server: SimApiServer, readonly dir: string, readonly ttlMs: number, private certs: SimCerts) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(this.helperPath, HELPER, { mode: 0o700 });
    this.writeCa();
    this.rotateToken();
    this.timer = setInterval(() => this.rotateToken(), Math.max(500, ttlMs / 2));
    this.timer.unref();
  }

  get tokenPath(): string {
    return path.join(this.dir, 'token');
  }

  get caPath(): string {
    return path.join(this.dir, 'ca.crt');
  }

  get helperPath(): string {
    return path.join(this.dir, 'exec-credential.mjs');
  }

  /** A new token from now on; the ones issued before keep working until they expire. */
  rotateToken(): string {
    const token = randomBytes(16).toString('hex');
    const until = this.server.issueToken({ user: 'admin', groups: ['system:masters'] }, token, this.ttlMs);
    write(path.join(this.dir, 'token.json'), JSON.stringify({ token, expirationTimestamp: new Date(until).toISOString() }));
    write(this.tokenPath, `${token}\n`);
    return token;
  }

  /** A new CA and server certificate: clients that still trust the old CA fail their TLS handshake. */
  async rotateCa(): Promise<SimCerts> {
    this.certs = await generateCerts({ admin: ['system:masters'], viewer: [] });
    this.server.rotateCertificates(this.certs);
    this.writeCa();
    return this.certs;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private writeCa(): void {
    write(this.caPath, this.certs.ca.cert);
  }
}

function write(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The exec credential plugin a kubeconfig runs: it prints the current token with its expiry. */
const HELPER = `import { readFileSync } from 'node:fs';
const t = JSON.parse(readFileSync(new URL('./token.json', import.meta.url), 'utf8'));
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: t.token, expirationTimestamp: t.expirationTimestamp } }));
`;
