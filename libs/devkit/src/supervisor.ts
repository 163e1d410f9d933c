/** Child processes that are stopped together, and never outlive the process that started them. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export interface SpawnManagedOptions extends SpawnOptions {
  /** Appends stdout and stderr to this file; otherwise they are inherited or ignored. */
  logFile?: string;
  /** Called with each stdout/stderr line (after logFile), and which stream it came on. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export function spawnManaged(name: string, command: string, args: string[], options: SpawnManagedOptions): ManagedProcess {
  installExitHook();
  const { logFile, onLine, ...spawnOptions } = options;
  const piped = Boolean(logFile || onLine);
  const child = spawn(command, args, { ...spawnOptions, stdio: piped ? ['ignore', 'pipe', 'pipe'] : (spawnOptions.stdio ?? 'inherit') });
  live.add(child);
  if (piped) {
    const sink = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (!stream) continue;
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        sink?.write(chunk);
        if (!onLine) return;
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) onLine(line, name);
      });
    }
    child.once('exit', () => sink?.end());
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      live.delete(child);
      resolve(`spawn error: ${err.message}`);
    });
  });
  return { name, child, exited };
}

/** SIGTERM, then SIGKILL after the grace period. */
export async function stopProcess(proc: ManagedProcess, graceMs = 10_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
}
