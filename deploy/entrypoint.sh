#!/bin/sh
# Replaces itself (exec) with the process named by UM_SERVICE, so that process receives
# SIGTERM from the orchestrator itself and drains before exiting.
set -eu
cd /app
# The flags every service runs with, as libs/devkit/src/system.ts (NODE_FLAGS) starts them: source
# maps in stack traces, and a young generation of at most 8 MB (shorter collection pauses).
NODE_FLAGS="--enable-source-maps --max-semi-space-size=8"
case "${UM_SERVICE:-}" in
  gateway)
    exec node $NODE_FLAGS services/gateway/dist/server.js ;;
  identity|enterprise|quality|user-management|routing-module|structured-messaging)
    exec node $NODE_FLAGS "services/${UM_SERVICE}/dist/index.js" ;;
  *)
    echo "UM_SERVICE must be one of: gateway identity enterprise quality user-management routing-module structured-messaging (got '${UM_SERVICE:-}')" >&2
    exit 64 ;;
esac
