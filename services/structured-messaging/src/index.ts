import { runService } from '@um/platform';
import { StructuredMessagingConfig, buildStructuredMessagingService } from './structured-messaging.service.js';

runService({ name: 'structured-messaging', configSchema: StructuredMessagingConfig, build: buildStructuredMessagingService }).catch((err: unknown) => {
  process.stderr.write(`structured-messaging failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
