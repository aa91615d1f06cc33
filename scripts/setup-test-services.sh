#!/usr/bin/env bash
# Installs Chromium and PostgreSQL when missing, starts PostgreSQL, and makes sure the test
# role exists. Prints nothing but progress; the URL is fixed (see DROPDOCK_TEST_PG_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  log "Installing ${missing[*]} from Debian"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  log "Starting PostgreSQL"
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    $SUDO pg_createcluster "$version" main
    cluster="$version main"
  fi
  $SUDO pg_ctlcluster $cluster start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# A role that may create a fresh database per test run.
if [ "$(id -u)" = 0 ]; then as_postgres=(runuser -u postgres --); else as_postgres=(sudo -u postgres); fi
"${as_postgres[@]}" psql -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dropdock') THEN
    CREATE ROLE dropdock LOGIN CREATEDB PASSWORD 'dropdock';
  END IF; END \$\$;"

# Databases left behind by earlier runs whose tests failed before cleaning up.
"${as_postgres[@]}" psql -q -At -c "SELECT 'DROP DATABASE IF EXISTS \"' || datname || '\" WITH (FORCE);' FROM pg_database WHERE datname LIKE 'dd\_test\_%'" \
  | "${as_postgres[@]}" psql -q >/dev/null

# A loopback S3 (moto, from PyPI) for the label-store tests.
if ! curl -fs -o /dev/null http://127.0.0.1:5055/moto-api/; then
  if ! python3 -c "import moto.server" 2>/dev/null; then
    log "Installing moto (local S3 for tests)"
    python3 -m pip install --quiet --disable-pip-version-check "moto[server]"
  fi
  log "Starting moto S3 on 127.0.0.1:5055"
  nohup python3 -m moto.server -H 127.0.0.1 -p 5055 > /tmp/dropdock-moto.log 2>&1 &
  for _ in $(seq 1 40); do curl -fs -o /dev/null http://127.0.0.1:5055/moto-api/ && break; sleep 0.5; done
fi
