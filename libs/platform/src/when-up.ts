/**
 * Runs `run` once every service named is known to the broker (on any node), checking every
 * `everyMs`. Unlike `broker.waitForServices`, its timer never keeps a process alive and it can be
 * cancelled (call what it returns, e.g. from the service's `stopped`): a service stopped before the
 * others came up leaves nothing behind.
 */
import type { ServiceBroker } from 'moleculer';

export function whenServicesUp(broker: Pick<ServiceBroker, 'registry'>, names: readonly string[], run: () => void, everyMs = 250): () => void {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const up = () => names.every((name) => broker.registry.hasService(name, undefined as unknown as string));
  const tick = () => {
    if (cancelled) return;
    if (up()) return run();
    timer = setTimeout(tick, everyMs);
    timer.unref();
  };
  tick();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
