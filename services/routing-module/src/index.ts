import { runService } from '@um/platform';

// Health only for now: the service runs as its own process, owns its database, and answers
// `routing-module.health` (added by runService) so that readiness covers it.
runService({ name: 'routing-module', build: () => ({ name: 'routing-module' }) }).catch((err: unknown) => {
  process.stderr.write(`routing-module failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
