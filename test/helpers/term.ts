// A real pseudo-terminal for tests of the interactive mode (issue #6 §3): tmux runs the program,
// send-keys types as a person would, capture-pane reads the screen. Used by the wizard tests of
// the npm CLI and of the Windows exe under Wine.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from './cli.js';
import { tmpDir } from './tools.js';

export /** One program in a real pseudo-terminal on its own tmux server (own socket in its temp folder: no interference with other tests or users). */
class Term {
  private readonly sock: string;
  private readonly rcFile: string;
  private closed = false;

  private constructor(readonly dir: string, private readonly stepMs: number, private readonly flat: boolean, private readonly settleMs: number) {
    this.rcFile = path.join(dir, '.rc');
    this.sock = path.join(dir, 'tmux.sock');
  }

  /** Start `argv` (a program and its arguments) in a 200×50 terminal; `wait` per step (ms). */
  /**
   * `flat`: match text on the screen with its line breaks removed. Wine's console redraws a
   * line in pieces and breaks it anywhere ("C" + newline + "reate a key pair").
   * `settleMs`: pause after the awaited text shows before returning: under Wine a prompt is
   * drawn before its console is in raw mode, and a key sent at once is lost.
   */
  static start(argv: string[], o: { cwd: string; env: Record<string, string | undefined>; stepMs?: number; flat?: boolean; settleMs?: number }): Term {
    const t = new Term(tmpDir('ec2keys-tty-'), o.stepMs ?? 45_000, Boolean(o.flat), o.settleMs ?? 0);
    const quoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const script = path.join(t.dir, 'run.sh');
    fs.writeFileSync(
      script,
      // The shell catches SIGINT (a caught signal is default again in the program it starts): a
      // Ctrl-C the terminal turns into SIGINT reaches the program, as from an interactive shell,
      // and does not kill this shell before it records the exit code.
      `trap : INT\ncd ${quoted(o.cwd)} || exit 1\n${argv.map(quoted).join(' ')}\n` +
        `rc=$?\necho $rc > ${quoted(t.rcFile)}\necho "[exit $rc]"\nexec sleep 600\n`,
    );
    const env = cleanEnv({ ...o.env, TMUX: undefined, TERM: 'xterm-256color' });
    execFileSync('tmux', ['-S', t.sock, '-f', '/dev/null', 'new-session', '-d', '-x', '200', '-y', '50', '-s', 'w', `sh ${quoted(script)}`], { env, stdio: 'ignore' });
    return t;
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-S', this.sock, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Whole screen plus scrollback, wrapped lines joined. */
  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', 'w']);
  }

  /** The screen as text is matched against (see `flat`). */
  private matched(): string {
    const s = this.screen();
    return this.flat ? s.replace(/\n/g, '') : s;
  }

  count(text: string): number {
    return this.matched().split(text).length - 1;
  }

  keys(...k: string[]): void {
    this.tmux(['send-keys', '-t', 'w', ...k]);
  }

  type(text: string): void {
    this.tmux(['send-keys', '-t', 'w', '-l', '--', text]);
  }

  /** The screen once `text` is on it at least `times` times within `ms`; undefined if not. */
  async poll(text: string, times: number, ms: number): Promise<string | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.matched();
      if (s.split(text).length - 1 >= times) return s;
      if (Date.now() > end) return undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Wait until `text` is on the screen at least `times` times. */
  async waitFor(text: string, times = 1): Promise<string> {
    const end = Date.now() + this.stepMs;
    let s = '';
    for (;;) {
      s = this.matched();
      if (s.split(text).length - 1 >= times) {
        if (this.settleMs) await new Promise((r) => setTimeout(r, this.settleMs));
        return s;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Send keys, then wait for one more occurrence of `text` than there was before. */
  async step(send: () => void, text: string): Promise<string> {
    const n = this.count(text);
    send();
    return this.waitFor(text, n + 1);
  }

  async exitCode(): Promise<number> {
    const end = Date.now() + this.stepMs;
    for (;;) {
      if (fs.existsSync(this.rcFile)) {
        const t = fs.readFileSync(this.rcFile, 'utf8').trim();
        if (t !== '') return Number(t);
      }
      if (Date.now() > end) throw new Error(`the program did not exit; screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    spawnSync('tmux', ['-S', this.sock, 'kill-server'], { stdio: 'ignore' });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

