/** CPU used by the bench and the processes it started, for figures per request or per message. */
import fs from 'node:fs';

/**
 * CPU seconds used so far by this process and each process it started (nats-server, the store, the
 * services), their own children included (PostgreSQL's backends), from /proc (Linux; elsewhere
 * only this process). On a machine where everything shares the cores, CPU per message says more
 * than a rate that depends on what else runs.
 */
export function cpuSnapshot(label = 'bench (load generator)'): Map<string, number> {
  const usage = process.cpuUsage();
  const out = new Map<string, number>([[label, (usage.user + usage.system) / 1e6]]);
  if (!fs.existsSync('/proc/self/stat')) return out;
  const tick = 100; // USER_HZ on Linux
  // Every process's parent and CPU, so that a child's own children (PostgreSQL's backends, which do
  // the store's queries) count for it.
  const procs = new Map<number, { parent: number; seconds: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(entry), { parent: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / tick });
      // Children of this process that ended and were waited for: the Go load generator
      // (bench/loadgen.ts) runs as one for each measurement, so what it used is here once it exited.
      if (Number(entry) === process.pid) out.set('loadgen', (Number(fields[13]) + Number(fields[14])) / tick);
    } catch {
      // the process ended meanwhile
    }
  }
  const labels = new Map<number, string>();
  const labelOf = (pid: number): string => {
    const known = labels.get(pid);
    if (known) return known;
    let name = `pid ${pid}`;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const found = cmd.map((a) => /(services\/[^/]+)\/dist|(nats-server|ferretdb|mongod|postgres)$/.exec(a)).find(Boolean);
      if (found) name = (found[1] ?? found[2])!.replace('services/', '');
      // The bench's floor (bench/floor.ts): `floor-server.js <role>`.
      const floor = cmd.findIndex((a) => a.endsWith('floor-server.js'));
      if (floor >= 0) name = `floor ${cmd[floor + 1] ?? ''}`.trim();
    } catch {
      // ended meanwhile
    }
    labels.set(pid, name);
    return name;
  };
  for (const [pid, { seconds }] of procs) {
    // Up the tree to this process's direct child, if it is a descendant at all.
    let child = pid;
    let parent = procs.get(child)?.parent;
    while (parent !== undefined && parent !== process.pid && parent > 1) {
      child = parent;
      parent = procs.get(child)?.parent;
    }
    if (parent !== process.pid) continue;
    const name = labelOf(child);
    out.set(name, (out.get(name) ?? 0) + seconds);
  }
  return out;
}

/** CPU per unit of work (µs) between two snapshots, by process, largest first, and in total. */
export function cpuPerUnit(before: Map<string, number>, after: Map<string, number>, units: number): { totalUs: number; text: string } {
  const perUnit = [...after]
    .map(([name, seconds]) => [name, ((seconds - (before.get(name) ?? 0)) * 1e6) / units] as const)
    .filter(([, us]) => us >= 0.5)
    .sort((a, b) => b[1] - a[1]);
  const totalUs = perUnit.reduce((sum, [, us]) => sum + us, 0);
  return { totalUs, text: `${totalUs.toFixed(0)} µs (${perUnit.map(([name, us]) => `${name} ${us.toFixed(0)}`).join(', ')})` };
}
