/** CPU used by the bench and the processes it started, for figures per request or per message. */
import fs from 'node:fs';

/**
 * CPU seconds used so far by this process and each process it started (nats-server, the store, the
 * services), from /proc (Linux; elsewhere only this process). On a machine where everything shares
 * the cores, CPU per message says more than a rate that depends on what else runs.
 */
export function cpuSnapshot(label = 'bench (load generator)'): Map<string, number> {
  const usage = process.cpuUsage();
  const out = new Map<string, number>([[label, (usage.user + usage.system) / 1e6]]);
  if (!fs.existsSync('/proc/self/stat')) return out;
  const tick = 100; // USER_HZ on Linux
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const name = cmd.map((a) => /(services\/[^/]+)\/dist|(nats-server|ferretdb|mongod)$/.exec(a)).find(Boolean);
      const label = name ? (name[1] ?? name[2])!.replace('services/', '') : `pid ${entry}`;
      out.set(label, (out.get(label) ?? 0) + (Number(fields[11]) + Number(fields[12])) / tick);
    } catch {
      // the process ended meanwhile
    }
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
