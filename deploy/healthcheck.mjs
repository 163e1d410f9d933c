// Container health check: readiness of this process. The gateway answers on its HTTP port; every
// other service on its metrics port (UM_METRICS_PORT), which also serves /health/live and /health/ready.
const port = process.env.UM_SERVICE === 'gateway' ? process.env.PORT || '3000' : process.env.UM_METRICS_PORT || '9100';
const path = process.argv[2] || '/health/ready';
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
