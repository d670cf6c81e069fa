// Fingerprints and key facts computed by the real tools (openssl, ssh-keygen), never by our code:
// the commands are the ones the EC2 User Guide gives (verify-keys.md), see ec2-semantics.md §1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpDir, tool } from '../helpers/tools.js';

const digestOut = (b: Buffer) => b.toString().trim().replace(/^.*= /, '');

/** EC2's created-RSA form: `openssl pkcs8 -topk8 -nocrypt -outform DER | openssl sha1 -c`. */
export function createdRsaFp(pem: string): string {
  const der = tool('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], { input: pem });
  return digestOut(tool('openssl', ['sha1', '-c'], { input: der }));
}

/** moto's created-RSA form: SHA-1 of the DER SPKI. */
export function motoCreatedRsaFp(pem: string): string {
  const der = tool('openssl', ['rsa', '-pubout', '-outform', 'DER'], { input: pem });
  return digestOut(tool('openssl', ['sha1', '-c'], { input: der }));
}

/** DER SPKI of an OpenSSH public key line, via ssh-keygen -e -m PKCS8 and openssl. */
export function spkiOfLine(line: string): Buffer {
  const dir = tmpDir();
  try {
    const f = path.join(dir, 'k.pub');
    fs.writeFileSync(f, line.trim() + '\n');
    const pem = tool('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', f]);
    return tool('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pem });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** EC2's imported-RSA form: MD5 of the DER SPKI, colon hex. */
export function importedRsaFp(line: string): string {
  return digestOut(tool('openssl', ['md5', '-c'], { input: spkiOfLine(line) }));
}

/** EC2's ED25519 form: `ssh-keygen -l` SHA256, without the prefix, with `=` padding. */
export function ed25519Fp(line: string): string {
  const dir = tmpDir();
  try {
    const f = path.join(dir, 'k.pub');
    fs.writeFileSync(f, line.trim() + '\n');
    const out = tool('ssh-keygen', ['-l', '-E', 'sha256', '-f', f]).toString();
    const b64 = /SHA256:([A-Za-z0-9+/]+)/.exec(out)![1];
    return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** moto's ED25519 form: SHA-256 of the DER SPKI, colon hex. The SPKI comes from pyca/cryptography
 *  (moto's own library; ssh-keygen -e cannot export ED25519 as PKCS8). */
export function motoEd25519Fp(line: string): string {
  const py = 'import sys\nfrom cryptography.hazmat.primitives.serialization import load_ssh_public_key, Encoding, PublicFormat\n' +
    'sys.stdout.buffer.write(load_ssh_public_key(sys.stdin.buffer.read()).public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))';
  const der = tool('python3', ['-c', py], { input: keyPart(line) });
  return digestOut(tool('openssl', ['sha256', '-c'], { input: der }));
}

/** `ssh-keygen -y` of a private key: its public line (type and base64 only). */
export function publicOfPrivate(material: string): string {
  const dir = tmpDir();
  try {
    const f = path.join(dir, 'k');
    fs.writeFileSync(f, material, { mode: 0o600 });
    return keyPart(tool('ssh-keygen', ['-y', '-f', f]).toString());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** RSA modulus size as openssl reports it. */
export function rsaBits(pem: string): number {
  const text = tool('openssl', ['rsa', '-noout', '-text'], { input: pem }).toString();
  return Number(/Private-Key: \((\d+) bit/.exec(text)![1]);
}

export function opensslRsaCheck(pem: string): string {
  return tool('openssl', ['rsa', '-check', '-noout'], { input: pem }).toString().trim();
}

/** A fresh key pair made by ssh-keygen; returns the public line (with a comment) and the private file text. */
export function sshKeygen(type: 'rsa' | 'ed25519' | 'ecdsa' | 'dsa', bits?: number): { pub: string; priv: string } {
  const dir = tmpDir();
  try {
    const f = path.join(dir, 'k');
    tool('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'oracle@test', '-f', f]);
    return { pub: fs.readFileSync(f + '.pub', 'utf8').trim(), priv: fs.readFileSync(f, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** "type base64" of an OpenSSH line (drops the comment). */
export function keyPart(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}
