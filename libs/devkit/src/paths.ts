import os from 'node:os';
import path from 'node:path';

/** The repository root (libs/devkit/dist/… or libs/devkit/src/… → three levels up). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Per-user cache of built binaries, outside the repo so a fresh clone on the same machine reuses it. */
export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'user-management');
}

/**
 * Where `npm start` keeps its local servers' data between runs (git-ignored; `npm run reset`
 * wipes it). UM_DATA_DIR moves it. Tests and benches use temporary folders instead.
 */
export function localDataDir(): string {
  return process.env.UM_DATA_DIR ? path.resolve(process.env.UM_DATA_DIR) : path.join(REPO_ROOT, '.data');
}
