// The CLI entry: builds the commander program, runs one command, and turns every outcome into
// an exit code (0 ok, 1 failed, 2 usage, 130 interrupted — cli.md). This file alone decides
// how errors look; commands just throw Ec2KeysError.

import { Command, CommanderError, Option } from 'commander';
import { Codes, Ec2KeysError, UsageError, isEc2KeysError } from '../errors.js';
import { processCtx, stdinIsTTY, type Ctx, type GlobalOptions } from './context.js';
import { interrupt, interruptedError, interruption } from './interrupt.js';
import { Reporter, drained, internalError } from './output.js';

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

/** The program with its global options only (buildProgram adds the commands). */
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
  return program;
}

type Register = (program: Command, app: App) => void;

/**
 * The commands, in help order, each loaded only when needed: a run registers just the command
 * on its line (start-up is paid per process, issue #6 §4), and all of them for help, a mistyped
 * command (suggestions) or no command at all.
 */
const COMMANDS: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['new'], load: async () => (await import('./new.js')).registerNew },
  { names: ['import'], load: async () => (await import('./import.js')).registerImport },
  { names: ['get', 'list'], load: async () => (await import('./get.js')).registerGet },
  { names: ['remove', 'rm'], load: async () => (await import('./remove.js')).registerRemove },
  { names: ['verify'], load: async () => (await import('./verify.js')).registerVerify },
  { names: ['push'], load: async () => (await import('./push.js')).registerPush },
  { names: ['retrieve'], load: async () => (await import('./retrieve.js')).registerRetrieve },
  { names: ['fingerprint'], load: async () => (await import('./fingerprint.js')).registerFingerprint },
  { names: ['convert'], load: async () => (await import('./convert.js')).registerConvert },
  { names: ['password'], load: async () => (await import('./password.js')).registerPassword },
  { names: ['protect'], load: async () => (await import('./protect.js')).registerProtect },
];

/** The command word of argv: the first operand, skipping global options and their values. */
function commandWord(program: Command, argv: string[]): string | undefined {
  const i = commandIndex(program, argv);
  return i === undefined ? undefined : argv[i];
}

function commandIndex(program: Command, argv: string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return undefined;
    if (!a.startsWith('-') || a === '-') return i;
    if (!a.startsWith('--') || a.includes('=')) continue;
    const opt = program.options.find((o) => o.long === a);
    if (opt && (opt.required || opt.optional)) i++;
  }
  return undefined;
}

/**
 * `ec2keys help WORD` where WORD is no command: commander would print the main help and exit 0.
 * Returns argv without the `help`, so that it is parsed, and so reported, exactly as `ec2keys WORD`
 * is (Ec2Keys.Usage "unknown command 'WORD'" with commander's "Did you mean" suggestion, exit 2);
 * else argv unchanged (`help`, `help new`, `help rm`).
 */
function withoutUnknownHelpTopic(program: Command, argv: string[]): string[] {
  const i = commandIndex(program, argv);
  if (i === undefined || argv[i] !== 'help') return argv;
  const rest = argv.slice(i + 1);
  const j = commandIndex(program, rest);
  if (j === undefined) return argv;
  const topic = rest[j];
  const known = topic === 'help' || program.commands.some((c) => c.name() === topic || c.aliases().includes(topic));
  return known ? argv : [...argv.slice(0, i), ...rest];
}

/** The program with the command of `argv` registered, or every command when argv names none. */
export async function buildProgram(app: App, argv?: string[]): Promise<Command> {
  const program = createProgram(app);
  const word = argv ? commandWord(program, argv) : undefined;
  const one = word === undefined ? undefined : COMMANDS.find((c) => c.names.includes(word));
  // `ec2keys --version` (no command, no help) needs none of them.
  const versionOnly = argv !== undefined && word === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help');
  const registers = versionOnly ? [] : await Promise.all((one ? [one] : COMMANDS).map((c) => c.load()));
  for (const register of registers) register(program, app);
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
  // An empty EC2KEYS_ENDPOINT_URL counts as not set (as EC2KEYS_PASSPHRASE does); an empty
  // --endpoint-url is kept, and refused where an endpoint is used (assertEndpointUrl).
  const endpointFlag = o.endpointUrl as string | undefined;
  const endpointUrl = endpointFlag ?? (env.EC2KEYS_ENDPOINT_URL || undefined);
  return {
    store: storeRaw,
    home: (o.home as string | undefined) ?? env.EC2KEYS_HOME,
    region: (o.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    profile: (o.profile as string | undefined) ?? env.AWS_PROFILE,
    endpointUrl,
    endpointUrlFrom: endpointUrl === undefined ? undefined : endpointFlag !== undefined ? '--endpoint-url' : 'EC2KEYS_ENDPOINT_URL',
    json: Boolean(o.json),
    // A getter: asking whether stdin is a terminal costs start-up time, and most commands never prompt.
    get interactive() {
      return o.input !== false && !ci && stdinIsTTY(ctx);
    },
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
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-input' || a === '--json' || !a.startsWith('--') || a === '--') return false;
    const eq = a.indexOf('=');
    const opt = program.options.find((o) => o.long === (eq < 0 ? a : a.slice(0, eq)));
    if (!opt || opt.long === '--version') return false;
    if (opt.required && eq < 0) i++;
  }
  // Checked last: the line above settles most runs without asking the terminal (costs start-up).
  return stdinIsTTY(ctx) && Boolean(ctx.stdout.isTTY) && !isCi(ctx.env);
}

export interface RunOptions {
  /** Run from inside another run() (the wizard, or a re-run with prompted values): the outer call owns SIGINT and the menu. */
  nested?: boolean;
  /** How often missing values were asked for already in this chain of re-runs (bounds it). */
  asked?: number;
}

/**
 * commander's messages in our style (style.md: lower case after the code, no closing period):
 * "too many arguments for 'new'. Expected 1 argument but got 2." becomes "too many arguments for
 * 'new'; expected 1 argument but got 2". Only the first line; a "(Did you mean …?)" line stays.
 */
function commanderText(message: string): string {
  const [first, ...rest] = message.replace(/^error: /, '').split('\n');
  const line = first.replace(/\.\s+([A-Z])(?=[a-z])/g, (_m, c: string) => `; ${c.toLowerCase()}`).replace(/\.$/, '');
  return [line, ...rest].join('\n');
}

/** Run the CLI; returns the exit code. Never throws. */
export async function run(argv: string[], ctx: Ctx = processCtx(), opts: RunOptions = {}): Promise<number> {
  const json = argv.includes('--json');
  const out = new Reporter(ctx, json);
  const app: App = { ctx, out, globals: (cmd) => resolveGlobals(ctx, cmd) };
  // SIGINT (Ctrl-C, or `kill -INT` from a script): reported like every other error (cli.md), as
  // Ec2Keys.Interrupted. The stderr line at once (undoing may take seconds; on a terminal after a
  // new line, past the ^C or a progress line); the hint (a second Ctrl-C stopped the wait for a
  // side effect still running) and the --json document once the undo is done; then exit 130 when
  // both are written. On a terminal, a wait longer than a second says what it waits for.
  let sigints = 0;
  let forceNow!: () => void;
  const force = new Promise<void>((r) => (forceNow = r));
  const onSigint = () => {
    if (++sigints > 1) {
      if (sigints === 2 && ctx.stderr.isTTY) ctx.stderr.write('\n'); // past the second ^C
      return forceNow();
    }
    if (ctx.stderr.isTTY) ctx.stderr.write('\n');
    out.errorText(interruptedError(), false);
    const onSlow = ctx.stderr.isTTY ? () => ctx.stderr.write('waiting for the step in progress to finish, to undo it; press Ctrl-C again to stop now\n') : undefined;
    void interrupt(force, onSlow)
      .then((warning) => {
        const err = interruptedError(warning);
        if (err.hint) ctx.stderr.write(`hint: ${err.hint}\n`);
        out.errorDocument(err);
      })
      .finally(() => Promise.all([drained(ctx.stdout), drained(ctx.stderr)]).finally(() => process.exit(130)));
  };
  if (!opts.nested) process.on('SIGINT', onSigint);
  try {
    const program = await buildProgram(app, argv);
    if (!opts.nested && wantsWizard(program, argv, ctx)) {
      const { runWizard } = await import('./wizard.js');
      return await runWizard(argv, ctx);
    }
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(withoutUnknownHelpTopic(program, argv), { from: 'user' });
    // Done, but SIGINT came meanwhile: its handler is exiting 130; say the same should the loop empty first.
    return interruption.interrupted && !opts.nested ? 130 : 0;
  } catch (e) {
    let err: Ec2KeysError;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      // `--passphrase=secret` is an unknown option whose text holds a secret: name the option only.
      const msg = commanderText(e.message).replace(/(unknown option '[^'=]+)=[^']*'/, "$1'");
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
    if (err.exitCode === 2 && (opts.asked ?? 0) < 3 && stdinIsTTY(ctx) && ctx.stderr.isTTY) {
      try {
        const { fillMissing } = await import('./wizard.js');
        const next = await fillMissing(argv, ctx);
        if (next) return await run(next, ctx, { nested: true, asked: (opts.asked ?? 0) + 1 });
      } catch (e2) {
        err = isEc2KeysError(e2) ? e2 : internalError(e2, ctx.env);
      }
    }
    // After SIGINT the handler reports Ec2Keys.Interrupted and owns the exit: whatever the cut-short
    // command threw since (the refusal of its next side effect, or a failure the undo caused) is not a second error.
    if (!interruption.interrupted) out.error(err);
    if (ctx.env.EC2KEYS_DEBUG && (err.code === Codes.Internal || ctx.env.EC2KEYS_DEBUG === '2')) {
      ctx.stderr.write(String((err.cause as Error)?.stack ?? err.stack) + '\n');
    }
    return interruption.interrupted && !opts.nested ? 130 : err.exitCode;
  } finally {
    // Interrupted: the handler stays for a second Ctrl-C while it undoes, and exits itself.
    if (!opts.nested && !interruption.interrupted) process.removeListener('SIGINT', onSigint);
  }
}
