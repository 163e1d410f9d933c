/**
 * `npm start`: NATS and the store, every service as its own process (UM_INSTANCES of each), and
 * the gateway; stops everything on Ctrl-C or SIGTERM.
 *
 * The processes write JSON log lines; this one prints them as they are, or readable and coloured
 * when its stdout is a terminal (UM_LOG_FORMAT=json|pretty decides otherwise). The ready banner
 * comes last, once the start-up lines have stopped. On a store it started itself, when no
 * contact-centre operator exists yet, it has identity create one with a generated password and
 * prints both once, in the banner.
 */
import { formatLogLine, wantsPretty } from '@um/platform';
import { startInfra } from '../infra.js';
import { LOCAL_OPERATOR_USERNAME, localOperatorFor, OPERATOR_CREATED_MSG } from '../local-operator.js';
import { localDataDir } from '../paths.js';
import { parseInstances, startSystem } from '../system.js';

const FORMAT = process.env.UM_LOG_FORMAT === 'json' || process.env.UM_LOG_FORMAT === 'pretty' ? process.env.UM_LOG_FORMAT : 'auto';
const pretty = wantsPretty(FORMAT, process.stdout);
const color = pretty && process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

let lastLineAt = Date.now();
let operatorCreated = false;

function onLine(_process: string, line: string, stream: 'stdout' | 'stderr'): void {
  lastLineAt = Date.now();
  if (line.includes(OPERATOR_CREATED_MSG) && line.includes(`"username":"${LOCAL_OPERATOR_USERNAME}"`)) operatorCreated = true;
  const out = pretty ? formatLogLine(line, color) : line;
  (stream === 'stderr' ? process.stderr : process.stdout).write(`${out}\n`);
}

/** Resolves once no process has written a line for `quietMs` (at most `maxMs`): start-up lines come before the banner. */
async function quiet(quietMs: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() - lastLineAt < quietMs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

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

  // Identity creates it only if no contact-centre operator exists yet (UM_BOOTSTRAP_OPERATOR_IF_NONE).
  const localOperator = localOperatorFor(infra.mode, process.env);

  system = await startSystem({
    natsUrl: infra.natsUrl,
    mongoUrl: infra.mongoUrl,
    host: process.env.HOST ?? '127.0.0.1',
    port: Number(process.env.PORT ?? 3000),
    instances,
    readyTimeoutMs: 120_000,
    onLine,
    env: localOperator
      ? { UM_BOOTSTRAP_OPERATOR_USERNAME: localOperator.username, UM_BOOTSTRAP_OPERATOR_PASSWORD: localOperator.password, UM_BOOTSTRAP_OPERATOR_IF_NONE: 'true' }
      : {},
  });
  await quiet(700, 5_000);
  const pids = system.processes.map((p) => `${p.name}=${p.child.pid}`).join(' ');
  const lines = [
    '',
    paint('1;32', `User Management is ready. Point a browser at ${system.baseUrl}/ (the console; API under ${system.baseUrl}/api/v1, OpenAPI at ${system.baseUrl}/docs)`),
    `processes: ${pids}`,
    `store: ${infra.store}; NATS: ${infra.natsUrl}`,
  ];
  if (localOperator && operatorCreated) {
    lines.push(
      '',
      paint('1;33', 'A local contact-centre operator was created; its password is shown only this once:'),
      `  username: ${localOperator.username}`,
      `  password: ${localOperator.password}`,
      `  log in:   curl -s -X POST ${system.baseUrl}/api/v1/auth/login -H 'content-type: application/json' -d '{"username":"${localOperator.username}","password":"${localOperator.password}"}'`,
      '  it must be changed at first login (PUT /api/v1/me/password with the token login answers)',
    );
  }
  lines.push('Ctrl-C stops everything.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
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
