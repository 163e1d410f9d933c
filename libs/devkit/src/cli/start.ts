/**
 * `npm start`: NATS and the store, every service as its own process (UM_INSTANCES of each), and
 * the gateway; stops everything on Ctrl-C or SIGTERM.
 */
import { startInfra } from '../infra.js';
import { localDataDir } from '../paths.js';
import { parseInstances, startSystem } from '../system.js';

async function main(): Promise<void> {
  const instances = parseInstances(process.env.UM_INSTANCES);
  const infra = await startInfra({ dockerFlavour: 'compose', dataDir: localDataDir() });
  // Assigned once started; the signal handlers installed before must see it.
  // eslint-disable-next-line prefer-const
  let system: Awaited<ReturnType<typeof startSystem>> | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n[start] ${signal}: stopping every process…\n`);
    await system?.stop();
    await infra.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  system = await startSystem({
    natsUrl: infra.natsUrl,
    mongoUrl: infra.mongoUrl,
    host: process.env.HOST ?? '127.0.0.1',
    port: Number(process.env.PORT ?? 3000),
    instances,
    readyTimeoutMs: 120_000,
  });
  const pids = system.processes.map((p) => `${p.name}=${p.child.pid}`).join(' ');
  process.stdout.write(
    `\nUser Management is ready. Point a browser at ${system.baseUrl}/docs (API under ${system.baseUrl}/api/v1)\n` +
      `processes: ${pids}\nstore: ${infra.store}; NATS: ${infra.natsUrl}. Ctrl-C stops everything.\n\n`,
  );
  // A process that dies on its own is reported; the rest keep running.
  for (const proc of system.processes) {
    void proc.exited.then((code) => {
      if (!stopping) process.stderr.write(`[start] ${proc.name} exited (${code})\n`);
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[start] failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
