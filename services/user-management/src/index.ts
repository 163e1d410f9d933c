import { runService } from '@um/platform';
import { UserManagementConfig, buildUserManagementService } from './user-management.service.js';

runService({ name: 'user-management', configSchema: UserManagementConfig, build: buildUserManagementService }).catch((err: unknown) => {
  process.stderr.write(`user-management failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
