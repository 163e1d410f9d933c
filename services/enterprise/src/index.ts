import { runService } from '@um/platform';
import { EnterpriseConfig, buildEnterpriseService } from './enterprise.service.js';

runService({ name: 'enterprise', configSchema: EnterpriseConfig, build: buildEnterpriseService }).catch((err: unknown) => {
  process.stderr.write(`enterprise failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
