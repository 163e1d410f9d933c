#!/bin/sh
# Replaces itself (exec) with the process named by UM_SERVICE, so that process receives
# SIGTERM from the orchestrator itself and drains before exiting.
set -eu
cd /app
case "${UM_SERVICE:-}" in
  gateway)
    exec node --enable-source-maps services/gateway/dist/server.js ;;
  identity|enterprise|quality|user-management|routing-module|structured-messaging)
    exec node --enable-source-maps "services/${UM_SERVICE}/dist/index.js" ;;
  *)
    echo "UM_SERVICE must be one of: gateway identity enterprise quality user-management routing-module structured-messaging (got '${UM_SERVICE:-}')" >&2
    exit 64 ;;
esac
