import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/**
 * The files a clone holds (tracked, plus new files git does not ignore), relative to the root:
 * what a reader of a fresh clone sees, without node_modules, builds or local data.
 */
export function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out
    .split('\0')
    .filter((file) => file !== '' && fs.existsSync(path.join(ROOT, file)))
    .sort();
}

/** The file's text, or undefined for a binary file (one with a NUL byte) or a folder. */
export function readText(file: string): string | undefined {
  const full = path.join(ROOT, file);
  if (!fs.statSync(full).isFile()) return undefined;
  const bytes = fs.readFileSync(full);
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}
