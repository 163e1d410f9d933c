/**
 * A newcomer's first command: the repository's committed HEAD cloned into a temporary folder (no
 * node_modules, no dist, no turbo cache), `npm start` run there on the machine's own Node.js
 * (the PATH without this run's node_modules/.bin) and environment (no NATS_URL/MONGO_URL: it
 * starts its own servers), until the gateway is ready and the banner is printed; the printed
 * local operator logs in; Ctrl-C (SIGINT to the whole process group, as a terminal sends it)
 * stops everything, and nothing of it is left running.
 *
 * It reuses what a machine keeps between runs: the npm cache (~/.npm) and the built nats-server
 * and FerretDB (~/.cache/user-management). It takes a few minutes (npm ci, then the build).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, REPO_ROOT } from '@um/devkit';

const MINUTES = 60_000;
let dir: string;
let child: ChildProcess | undefined;
let output = '';

/** The processes of a process group still alive (zombies aside). */
function groupMembers(pgid: number): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, group, stat]) => Number(group) === pgid && Number(pid) !== process.pid && !stat?.startsWith('Z'))
    .map((fields) => fields.join(' '));
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (child?.exitCode !== null && child?.exitCode !== undefined) throw new Error(`npm start exited (${child.exitCode}) before ${what}:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'um-fresh-clone-'));
});

afterAll(() => {
  // Whatever happened above, nothing of this test outlives it.
  if (child?.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test(
  'when the repository is cloned and npm start is run there, then it installs, builds and starts, prints a usable operator in its banner after the start-up lines, and Ctrl-C leaves nothing running',
  async () => {
    const started = Date.now();
    const clone = path.join(dir, 'user-management');
    const cloned = spawnSync('git', ['clone', '--quiet', REPO_ROOT, clone], { encoding: 'utf8' });
    expect(cloned.stderr).toBe('');
    expect(cloned.status).toBe(0);
    expect(fs.existsSync(path.join(clone, 'node_modules'))).toBe(false);

    const port = await freePort();
    // The environment of a person's shell: none of this run's npm, test or system settings.
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(npm_|NATS_URL$|MONGO_URL$|UM_|LOG_LEVEL$|E2E_|INIT_CWD$|NODE_OPTIONS$|JEST_|TURBO_)/.test(k)),
    );
    env.PATH = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((p) => !p.includes(`node_modules${path.sep}.bin`))
      .join(path.delimiter);
    env.PORT = String(port);
    child = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pgid = child.pid!;
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

    await until('the ready banner', () => (output.includes('User Management is ready') ? true : undefined), 15 * MINUTES);
    const readyAfterS = Math.round((Date.now() - started) / 1000);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);

    // Installed quietly, on the machine's Node.js, then run on the project's.
    expect(output).toContain('[install] node_modules is missing: npm ci');
    expect(output).not.toMatch(/EBADENGINE|FSTDEP0|npm warn/i);
    expect(fs.existsSync(path.join(clone, 'node_modules', '.bin', 'node'))).toBe(true);

    // The banner comes after every process's start-up line.
    await until('the banner end', () => (output.includes('Ctrl-C stops everything.') ? true : undefined), MINUTES);
    const banner = output.indexOf('User Management is ready');
    const startupLines = output.split('\n').filter((l) => l.includes('"msg":"service started"') || l.includes('"msg":"gateway listening"'));
    expect(startupLines).toHaveLength(7);
    for (const line of startupLines) expect(output.indexOf(line)).toBeLessThan(banner);

    // The local operator it printed logs in (its store is its own: no operator existed).
    const username = /username: (\S+)/.exec(output.slice(banner))?.[1];
    const password = /password: (\S+)/.exec(output.slice(banner))?.[1];
    expect(username).toBe('localoperator');
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(login.status).toBe(200);
    // Its password is in the terminal once, never in a process's log line.
    expect(output.split('\n').filter((l) => l.startsWith('{') && l.includes(password!))).toEqual([]);

    // Ctrl-C: SIGINT to the whole foreground group.
    process.kill(-pgid, 'SIGINT');
    await until('npm start to exit', () => (child!.exitCode !== null || child!.signalCode !== null ? true : undefined), 2 * MINUTES);
    await until('every process of the group to end', () => (groupMembers(pgid).length === 0 ? true : undefined), MINUTES);
    expect(groupMembers(pgid)).toEqual([]);
    process.stdout.write(`fresh clone: ready after ${readyAfterS} s, stopped after ${Math.round((Date.now() - started) / 1000)} s in all\n`);
  },
  20 * MINUTES,
);
