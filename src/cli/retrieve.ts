// `ec2keys retrieve (<name> | --id ID)` (cli.md): the private key of a key pair that
// CloudFormation (AWS::EC2::KeyPair) created is kept in SSM Parameter Store as the SecureString
// /ec2/keypair/<key-pair-id>. Fetch it (with decryption) and save it like `new` does, in any
// format. Always talks to AWS (EC2 for the id, SSM for the key), whatever --store says.

import { Option, type Command } from 'commander';
import { Codes, Ec2KeysError, UsageError } from '../errors.js';
import { readPrivateKey } from '../keys/detect.js';
import { createdFingerprint, importedFingerprint, matchesFingerprint } from '../keys/fingerprint.js';
import type { App } from './main.js';
import { outputPassphrase } from './passphrase.js';
import { defaultExtension, parseFormat, ppkVersionFor, precheckTarget, resolveTarget, safeFileStem, saveText, serialize } from './save.js';
import { assertEndpointUrl, regionFor } from './store.js';

interface RetrieveOpts {
  id?: string;
  format: string;
  ppkVersion?: string;
  out?: string;
  force?: boolean;
  encrypt?: boolean;
}

export function registerRetrieve(program: Command, app: App): void {
  program
    .command('retrieve')
    .summary('fetch the private key of a CloudFormation-created key pair from SSM')
    .description('Fetch the private key CloudFormation stored in SSM Parameter Store (/ec2/keypair/<key-pair-id>) and save it, owner-only, as PEM, PPK or OpenSSH.')
    .argument('[name]', 'key pair name')
    .option('--id <key-pair-id>', 'key pair id instead of a name')
    .addOption(new Option('--format <format>', 'private key file format').choices(['pem', 'ppk', 'openssh']).default('pem'))
    .addOption(new Option('--ppk-version <n>', 'PPK version with --format ppk').choices(['3', '2']).default('3'))
    .option('-o, --out <file>', "where to save the key: a file, a folder (<name>.pem|.ppk|.key in it), or '-' for standard output (default: ./<name>.pem|.ppk|.key)")
    .option('--encrypt', 'ask for a passphrase to protect the key file')
    .option('-f, --force', 'replace the key file if it exists')
    .addHelpText('after', '\nExamples:\n  ec2keys retrieve my-stack-key --region eu-west-1\n  ec2keys retrieve --id key-0123456789abcdef0 --format ppk')
    .action(async (name: string | undefined, o: RetrieveOpts, cmd: Command) => {
      const g = app.globals(cmd);
      assertEndpointUrl(g); // EC2 and SSM, whatever --store says
      if ((name === undefined) === (o.id === undefined)) throw new UsageError('give a key pair name or --id, not both and not neither');
      const format = parseFormat(o.format, 'pem');
      const ppkVersion = ppkVersionFor(cmd, o.ppkVersion, format, '--format');
      const { Ec2Store } = await import('../store/ec2.js');
      const { retrieveSsmParameter, keyPairParameterName } = await import('../store/ssm.js');
      const ec2 = await Ec2Store.open({ region: await regionFor(g, 'ec2'), profile: g.profile, endpointUrl: g.endpointUrl });
      try {
        // Pick the pair by what was asked for: an endpoint that ignores KeyPairIds (moto 5.2.1 answers
        // with every pair) must not make us fetch another pair's key.
        const found = await ec2.describeKeyPairs(name ? { KeyNames: [name] } : { KeyPairIds: [o.id!] });
        const pair = found.find((p) => (name ? p.KeyName === name : p.KeyPairId === o.id));
        if (!pair) throw new Ec2KeysError(Codes.NotFound, name ? `The key pair '${name}' does not exist` : `The key pair ID '${o.id}' does not exist`, { target: name ?? o.id });
        const target = resolveTarget(app.ctx, o.out, safeFileStem(pair.KeyName) + defaultExtension(format, { type: pair.KeyType ?? 'rsa' }), Boolean(o.force));
        precheckTarget(target);
        const material = await retrieveSsmParameter(keyPairParameterName(pair.KeyPairId), { region: ec2.region, profile: g.profile, endpointUrl: g.endpointUrl });
        const parsed = await readPrivateKey(Buffer.from(material), { what: `SSM parameter ${keyPairParameterName(pair.KeyPairId)}` });
        // The parameter is only a name: check the key in it is this pair's before saving it as such.
        if (pair.KeyFingerprint && !matchesFingerprint(parsed.key, pair.KeyFingerprint)) {
          throw new Ec2KeysError(
            Codes.KeyMismatch,
            `the private key in SSM parameter ${keyPairParameterName(pair.KeyPairId)} does not belong to key pair ${pair.KeyName} (${pair.KeyPairId}): the pair's fingerprint is ${pair.KeyFingerprint}, the key's is ${parsed.key.type === 'rsa' ? createdFingerprint(parsed.key) : importedFingerprint(parsed.key)}`,
            { target: pair.KeyName, hint: 'the parameter was overwritten or belongs to another pair; nothing was saved' },
          );
        }
        const passphrase = await outputPassphrase(app.ctx, g, Boolean(o.encrypt));
        const text = format === 'pem' && !passphrase && parsed.format === 'pkcs1'
          ? material.endsWith('\n') ? material : material + '\n'
          : await serialize(parsed.key, format, { passphrase, comment: pair.KeyName, ppkVersion });
        const res: Record<string, unknown> = { KeyName: pair.KeyName, KeyPairId: pair.KeyPairId, KeyFingerprint: pair.KeyFingerprint, KeyType: parsed.key.type };
        if (target.out === '-' && app.out.json) return await app.out.secretResult({ ...res, KeyMaterial: text });
        const file = await saveText(target, text, app.ctx);
        if (file) app.out.result({ ...res, KeyFile: file }, `saved the private key of ${pair.KeyName} (${pair.KeyPairId}) to ${file} (owner-only)`);
      } finally {
        ec2.close();
      }
    });
}
