/**
 * Human-readable log lines for a terminal: `12:04:05.123 INFO  identity  service started  nodeID=…`,
 * coloured by level. Processes write JSON (what log collectors read); this formats them when a
 * person watches (UM_LOG_FORMAT=pretty, or `auto` on a TTY), in the process itself or in `npm
 * start`, which reads its children's lines.
 */
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[36m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[35m'],
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
/** Shown in the line's head, or not at all. */
const HEAD = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'mod', 'svc']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One JSON log line as a readable line; anything that is not a JSON object is returned as it is. */
export function formatLogLine(line: string, color: boolean): string {
  if (!line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const [label, tint] = LEVELS[entry.level as number] ?? [String(entry.level ?? '?').toUpperCase().padEnd(5), ''];
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : new Date(Number(entry.time ?? Date.now())).toISOString().slice(11, 23);
  const who = [entry.service, entry.svc && entry.svc !== entry.service ? entry.svc : entry.mod].filter(Boolean).join('/');
  const err = entry.err as { message?: string; stack?: string; type?: string } | undefined;
  const fields = Object.entries(entry)
    .filter(([k]) => !HEAD.has(k) && k !== 'err')
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const c = (code: string, text: string) => (color && code ? `${code}${text}${RESET}` : text);
  let out = `${c(DIM, time)} ${c(tint, label)} ${c('\x1b[1m', who.padEnd(16))} ${entry.msg ?? ''}${fields ? `  ${c(DIM, fields)}` : ''}`;
  if (err) out += `\n    ${c(tint, err.stack ?? `${err.type ?? 'error'}: ${err.message ?? ''}`)}`;
  return out;
}

/** A pino destination that writes readable lines to `out` (process.stdout by default). */
export function prettyDestination(out: NodeJS.WritableStream = process.stdout, color = Boolean((out as { isTTY?: boolean }).isTTY)): DestinationStream {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line) out.write(`${formatLogLine(line, color)}\n`);
    },
  };
}

/** Whether this process writes readable lines rather than JSON. */
export function wantsPretty(format: 'auto' | 'json' | 'pretty' | undefined, out: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || ((format ?? 'auto') === 'auto' && out.isTTY === true);
}
