// The certificate signing request a new CloudHSM cluster issues (PKCS#10, RFC 2986): DER built
// here, signed with SHA-256/RSA by the cluster's own key, so the user can sign it with their
// issuing CA exactly as with a real cluster, and InitializeCluster can check the result.
import { createPublicKey, sign, type KeyObject } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const SEQUENCE = 0x30;
const SET = 0x31;
// OIDs, DER-encoded: commonName (2.5.4.3), organizationName (2.5.4.10), sha256WithRSAEncryption.
const OID_CN = Buffer.from('0603550403', 'hex');
const OID_O = Buffer.from('060355040a', 'hex');
const SHA256_WITH_RSA = Buffer.from('300d06092a864886f70d01010b0500', 'hex');

function attribute(oid: Buffer, value: string): Buffer {
  return tlv(SET, tlv(SEQUENCE, oid, tlv(0x0c, Buffer.from(value, 'utf8'))));
}

/** A PEM CSR whose subject names the cluster, for the cluster's RSA key. */
export function clusterCsrPem(clusterId: string, privateKey: KeyObject): string {
  const subject = tlv(SEQUENCE, attribute(OID_O, 'AWS CloudHSM (simulated)'), attribute(OID_CN, clusterId));
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const info = tlv(SEQUENCE, Buffer.from('020100', 'hex'), subject, spki, Buffer.from('a000', 'hex'));
  const signature = sign('sha256', info, privateKey);
  const der = tlv(SEQUENCE, info, SHA256_WITH_RSA, tlv(0x03, Buffer.from([0]), signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}
