// The CLI entry: builds the commander program, runs one command, and turns every outcome into
// an exit code (0 ok, 1 failed, 2 usage, 130 interrupted — cli.md). This file alone decides
// how errors look; commands just throw Ec2KeysError.

import { Command, CommanderError, Option } from 'commander';
import { Codes, Ec2KeysError, UsageError, isEc2KeysError } from '../errors.js';
import { processCtx, type Ctx, type GlobalOptions } from './context.js';
import { cleanupTempFiles, runInterruptHooks } from './io.js';
import { Reporter, internalError } from './output.js';
import { registerFingerprint } from './fingerprint.js';
import { registerPassword } from './password.js';
import { registerProtect } from './protect.js';
import { registerConvert } from './convert.js';
import { registerNew } from './new.js';
import { registerImport } from './import.js';
import { registerGet } from './get.js';
import { registerRemove } from './remove.js';
import { registerVerify } from './verify.js';
import { registerPush } from './push.js';
import { registerRetrieve } from './retrieve.js';

declare const __EC2KEYS_VERSION__: string | undefined;

export function version(): string {
  if (typeof __EC2KEYS_VERSION__ !== 'undefined') return __EC2KEYS_VERSION__;
  return PACKAGE_VERSION;
}
// Kept in step with package.json by test/cli/version.test.ts.
const PACKAGE_VERSION = '0.1.0';

export interface App {
  ctx: Ctx;
  out: Reporter;
  /** Global options as seen by this command (flags anywhere on the line, then the environment). */
  globals(cmd: Command): GlobalOptions;
}

export function createProgram(app: App): Command {
  const program = new Command('ec2keys');
  program
    .description('Amazon EC2 key pairs for Windows: create, import, list, remove, convert (PEM, PKCS#8, OpenSSH, PuTTY PPK), fingerprint, and decrypt the Windows Administrator password')
    .version(`ec2keys ${version()} (node ${process.version})`, '-V, --version', 'print the version of ec2keys and of its Node runtime')
    .addOption(new Option('--store <store>', 'where key pairs live: the local registry or EC2 itself [env: EC2KEYS_STORE]').choices(['local', 'ec2']))
    .option('--home <dir>', 'local registry folder [env: EC2KEYS_HOME] (default: ~/.ec2keys)')
    .option('--region <region>', 'AWS region [env: AWS_REGION, AWS_DEFAULT_REGION, profile]')
    .option('--profile <profile>', 'AWS shared-config profile [env: AWS_PROFILE]')
    .option('--endpoint-url <url>', 'EC2 endpoint URL [env: EC2KEYS_ENDPOINT_URL]')
    .option('--json', 'print one JSON document on stdout (PascalCase fields, as the EC2 API names them)')
    .option('--no-input', 'never prompt (also when CI is set or stdin is not a terminal)')
    .option('--passphrase-file <file>', 'read the passphrase of the input key from the first line of FILE [env: EC2KEYS_PASSPHRASE]')
    .option('--new-passphrase-file <file>', 'encrypt the written key with the first line of FILE [env: EC2KEYS_NEW_PASSPHRASE]')
    .option('--allow-expensive-kdf', 'read keys whose KDF parameters exceed the safety caps (slow; may use a lot of memory)')
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => app.ctx.stdout.write(s),
      writeErr: (s) => app.ctx.stderr.write(s),
      outputError: () => {
        /* reported by run() as a UsageError */
      },
    })
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 the operation failed, 2 usage error, 130 interrupted.
Examples:
  ec2keys fingerprint my-key.pem
  ec2keys convert my-key.pem --to ppk
  ec2keys password --data-file blob.txt --key my-key.ppk`,
    );
  registerNew(program, app);
  registerImport(program, app);
  registerGet(program, app);
  registerRemove(program, app);
  registerVerify(program, app);
  registerPush(program, app);
  registerRetrieve(program, app);
  registerFingerprint(program, app);
  registerConvert(program, app);
  registerPassword(program, app);
  registerProtect(program, app);
  for (const c of program.commands) {
    c.exitOverride().configureOutput({
      writeOut: (s) => app.ctx.stdout.write(s),
      writeErr: (s) => app.ctx.stderr.write(s),
      outputError: () => {},
    });
  }
  return program;
}

export function resolveGlobals(ctx: Ctx, cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  const env = ctx.env;
  const storeRaw = (o.store as string | undefined) ?? env.EC2KEYS_STORE ?? 'local';
  if (storeRaw !== 'local' && storeRaw !== 'ec2') throw new UsageError(`EC2KEYS_STORE is "${storeRaw}"; allowed: local, ec2`);
  const ci = isCi(env);
  return {
    store: storeRaw,
    home: (o.home as string | undefined) ?? env.EC2KEYS_HOME,
    region: (o.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    profile: (o.profile as string | undefined) ?? env.AWS_PROFILE,
    endpointUrl: (o.endpointUrl as string | undefined) ?? env.EC2KEYS_ENDPOINT_URL,
    json: Boolean(o.json),
    interactive: o.input !== false && !ci && Boolean(ctx.stdin.isTTY),
    passphraseFile: o.passphraseFile as string | undefined,
    newPassphraseFile: o.newPassphraseFile as string | undefined,
    allowExpensiveKdf: Boolean(o.allowExpensiveKdf),
  };
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
}

/**
 * Issue #6 §3: no command (at most global options such as --home) on a terminal — stdin and
 * stdout are TTYs, no --no-input, CI unset — starts the interactive menu (wizard.ts, loaded only
 * then). --json, --version or --help keep their plain meaning.
 */
function wantsWizard(program: Command, argv: string[], ctx: Ctx): boolean {
  if (!ctx.stdin.isTTY || !ctx.stdout.isTTY || isCi(ctx.env)) return false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-input' || a === '--json' || !a.startsWith('--') || a === '--') return false;
    const eq = a.indexOf('=');
    const opt = program.options.find((o) => o.long === (eq < 0 ? a : a.slice(0, eq)));
    if (!opt || opt.long === '--version') return false;
    if (opt.required && eq < 0) i++;
  }
  return true;
}

export interface RunOptions {
  /** Run from inside another run() (the wizard, or a re-run with prompted values): the outer call owns SIGINT and the menu. */
  nested?: boolean;
  /** How often missing values were asked for already in this chain of re-runs (bounds it). */
  asked?: number;
}

/** Run the CLI; returns the exit code. Never throws. */
export async function run(argv: string[], ctx: Ctx = processCtx(), opts: RunOptions = {}): Promise<number> {
  const json = argv.includes('--json');
  const out = new Reporter(ctx, json);
  const app: App = { ctx, out, globals: (cmd) => resolveGlobals(ctx, cmd) };
  const onSigint = () => {
    cleanupTempFiles();
    ctx.stderr.write('\nec2keys: interrupted\n');
    void runInterruptHooks().finally(() => {
      cleanupTempFiles();
      process.exit(130);
    });
  };
  if (!opts.nested) process.once('SIGINT', onSigint);
  try {
    const program = createProgram(app);
    if (!opts.nested && wantsWizard(program, argv, ctx)) {
      const { runWizard } = await import('./wizard.js');
      return await runWizard(argv, ctx);
    }
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    let err: Ec2KeysError;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      // `--passphrase=secret` is an unknown option whose text holds a secret: name the option only.
      const msg = e.message.replace(/^error: /, '').replace(/(unknown option '[^'=]+)=[^']*'/, "$1'");
      const secretLike = e.code === 'commander.unknownOption' && /pass(word|phrase)|secret/i.test(msg);
      err = new UsageError(msg, {
        hint: secretLike
          ? 'passphrases are never taken as arguments (other users of the machine can see those): use --passphrase-file FILE or EC2KEYS_PASSPHRASE (--new-passphrase-file or EC2KEYS_NEW_PASSPHRASE for the key written)'
          : 'see `ec2keys --help` or `ec2keys COMMAND --help`',
      });
    } else if (isEc2KeysError(e)) {
      err = e;
    } else {
      err = internalError(e, ctx.env);
    }
    // A value missing on a terminal (`ec2keys new` without a name): ask for it and run again.
    if (err.exitCode === 2 && (opts.asked ?? 0) < 3 && ctx.stdin.isTTY && ctx.stderr.isTTY) {
      try {
        const { fillMissing } = await import('./wizard.js');
        const next = await fillMissing(argv, ctx);
        if (next) return await run(next, ctx, { nested: true, asked: (opts.asked ?? 0) + 1 });
      } catch (e2) {
        err = isEc2KeysError(e2) ? e2 : internalError(e2, ctx.env);
      }
    }
    out.error(err);
    if (ctx.env.EC2KEYS_DEBUG && (err.code === Codes.Internal || ctx.env.EC2KEYS_DEBUG === '2')) {
      ctx.stderr.write(String((err.cause as Error)?.stack ?? err.stack) + '\n');
    }
    return err.exitCode;
  } finally {
    if (!opts.nested) process.removeListener('SIGINT', onSigint);
  }
}
