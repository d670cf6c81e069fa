// Oracle tools (openssl, ssh-keygen, puttygen, python3) and temp folders for tests.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function tmpDir(prefix = 'ec2keys-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Run a tool; throws with its stderr if it fails. */
export function tool(cmd: string, args: string[], opts: { input?: string | Buffer; cwd?: string } = {}): Buffer {
  return execFileSync(cmd, args, { input: opts.input, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

export function toolStatus(cmd: string, args: string[], opts: { input?: string | Buffer } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { input: opts.input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function opensslGenRsa(file: string, bits = 2048): void {
  tool('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', file]);
}

/** Encrypt like the EC2 Windows agent: RSAES-PKCS1-v1_5 under the public key, base64. */
export function opensslEncryptPassword(keyFile: string, password: string | Buffer): string {
  const dir = tmpDir();
  const pub = path.join(dir, 'pub.pem');
  tool('openssl', ['pkey', '-in', keyFile, '-pubout', '-out', pub]);
  const ct = tool('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-pkeyopt', 'rsa_padding_mode:pkcs1'], { input: password });
  fs.rmSync(dir, { recursive: true, force: true });
  return ct.toString('base64');
}

export const hasTool = (t: string) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0;

/**
 * The shared key corpus: EC2KEYS_CORPUS, else ../shared/corpus beside this checkout (how CI lays
 * out a clean clone), else /work/shared/corpus. Tests that use it fail loudly if none exists.
 */
export function corpusDir(): string {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const cands = [process.env.EC2KEYS_CORPUS, path.resolve(root, '../shared/corpus'), '/work/shared/corpus'].filter(Boolean) as string[];
  return cands.find((d) => fs.existsSync(path.join(d, 'manifest.json'))) ?? cands[cands.length - 1];
}
