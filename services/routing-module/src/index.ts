import { runService } from '@um/platform';
import { buildRoutingModuleService } from './routing-module.service.js';

runService({ name: 'routing-module', build: buildRoutingModuleService }).catch((err: unknown) => {
  process.stderr.write(`routing-module failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
