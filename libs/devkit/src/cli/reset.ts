/**
 * `npm run reset`: wipes the local data `npm start` keeps between runs (`.data/`, or UM_DATA_DIR),
 * unless a server still runs on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { localDataDir } from '../paths.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function main(): number {
  const dir = localDataDir();
  if (!fs.existsSync(dir)) {
    process.stdout.write(`[reset] nothing to wipe: ${dir} does not exist\n`);
    return 0;
  }
  // PostgreSQL's lock file names its server's pid on its first line.
  const lock = path.join(dir, 'postgres', 'postmaster.pid');
  const pid = fs.existsSync(lock) ? Number(fs.readFileSync(lock, 'utf8').split('\n')[0]) : 0;
  if (pid > 0 && alive(pid)) {
    process.stderr.write(`[reset] the local store still runs on ${dir} (PostgreSQL pid ${pid}): stop npm start first\n`);
    return 1;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`[reset] wiped ${dir}: the next npm start begins with an empty store\n`);
  return 0;
}

process.exit(main());
