#!/usr/bin/env bash
# The one command that installs, builds, creates the database and roles, migrates and starts
# all five services. `npm start -- --demo` (or DEMO=1 npm start) also loads the demo dataset.
set -euo pipefail
cd "$(dirname "$0")/.."

demo="${DEMO:-0}"
for arg in "$@"; do
  case "$arg" in
    --demo) demo=1 ;;
    *) echo "unknown option: $arg (use --demo)" >&2; exit 2 ;;
  esac
done

pg_host="${DATABASE_HOST:-127.0.0.1}" pg_port="${DATABASE_PORT:-5432}"
redis_host="${REDIS_HOST:-127.0.0.1}" redis_port="${REDIS_PORT:-6379}"
answers() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
missing=0
if ! answers "$pg_host" "$pg_port"; then
  echo "PostgreSQL is not reachable at $pg_host:$pg_port." >&2
  echo "  Start the local one:  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
  missing=1
fi
if ! answers "$redis_host" "$redis_port"; then
  echo "Redis is not reachable at $redis_host:$redis_port." >&2
  echo "  Start the local one:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --maxmemory-policy noeviction" >&2
  missing=1
fi
if [ "$missing" = 1 ]; then
  echo "  Or run both in containers:  docker compose -f docker/compose.yml up -d postgres redis" >&2
  exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi
echo "building…"
npm run --silent build
node dist/apps/cli/apps/cli/src/main.js migrate
if [ "$demo" = 1 ]; then
  node dist/apps/cli/apps/cli/src/main.js seed-demo
fi
exec node scripts/run-services.js
