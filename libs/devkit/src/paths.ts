import os from 'node:os';
import path from 'node:path';

/** The repository root (libs/devkit/dist/… or libs/devkit/src/… → three levels up). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Per-user cache of built binaries, outside the repo so a fresh clone on the same machine reuses it. */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'user-management');
}
