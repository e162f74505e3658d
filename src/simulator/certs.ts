import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface Pem {
  cert: string;
  key: string;
}
export interface SimCerts {
  ca: Pem;
  server: Pem;
  /** client certificates by user name; the O= of each carries the groups */
  clients: Record<string, Pem>;
}

async function keyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A fresh CA, a server certificate for loopback, and client certificates, as kubeadm would issue. */
export async function generateCerts(clients: Record<string, string[]>): Promise<SimCerts> {
  const notBefore = new Date(Date.now() - DAY), notAfter = new Date(Date.now() + 365 * DAY);
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=heapster-simulator-ca', notBefore, notAfter, keys: caKeys, signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  let serial = 2;
  const issue = async (subject: string, ext: x509.Extension[]): Promise<Pem> => {
    const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: (serial++).toString(16).padStart(2, '0'), subject, issuer: ca.subject, notBefore, notAfter,
      publicKey: keys.publicKey, signingKey: caKeys.privateKey, signingAlgorithm: ALG, extensions: ext,
    });
    return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
  };
  const server = await issue('CN=kube-apiserver', [
    new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }, { type: 'ip', value: '::1' }]),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
  ]);
  const out: Record<string, Pem> = {};
  for (const [user, groups] of Object.entries(clients)) {
    const subject = [`CN=${user}`, ...groups.map((g) => `O=${g}`)].join(', ');
    out[user] = await issue(subject, [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]);
  }
  return { ca: { cert: ca.toString('pem'), key: await keyPem(caKeys.privateKey) }, server, clients: out };
}
