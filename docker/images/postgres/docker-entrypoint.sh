#!/usr/bin/env bash
# Starts PostgreSQL the way the official image does: as root it prepares the data
# directory and drops to the user postgres; an empty data directory is initialised
# from POSTGRES_USER (default postgres), POSTGRES_PASSWORD and POSTGRES_DB (default:
# the user's name), then the scripts in /docker-entrypoint-initdb.d run once.
set -Eeuo pipefail

log() { printf 'werkbank-postgres: %s\n' "$*" >&2; }

if [[ "${1:-}" == -* ]]; then
  set -- postgres "$@"
fi
if [[ "${1:-}" != postgres ]]; then
  exec "$@"
fi

if [[ $(id -u) -eq 0 ]]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"

initialise() {
  if [[ -z "${POSTGRES_PASSWORD:-}" && "$POSTGRES_HOST_AUTH_METHOD" != trust ]]; then
    log "Fehler: POSTGRES_PASSWORD ist nicht gesetzt. Setz ein Passwort (z. B. aus einem Secret über secretKeyRef) oder – nur zum Testen – POSTGRES_HOST_AUTH_METHOD=trust."
    exit 1
  fi
  log "Leeres Datenverzeichnis $PGDATA: lege die Datenbank an …"
  local pwfile
  pwfile=$(mktemp)
  printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
    --auth-host="$POSTGRES_HOST_AUTH_METHOD" --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  # initdb only allows connections from this host; containers are reached over the network.
  printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.auto.conf"

  # A server only on the Unix socket for the set-up, so no client connects too early.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  export PGUSER="$POSTGRES_USER" PGHOST=/var/run/postgresql
  if [[ "$POSTGRES_DB" != postgres ]]; then
    psql -v ON_ERROR_STOP=1 --dbname postgres -q --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  local script
  for script in /docker-entrypoint-initdb.d/*; do
    [[ -e "$script" ]] || continue
    log "Führe $script aus"
    case "$script" in
      *.sh) bash "$script" ;;
      *.sql) psql -v ON_ERROR_STOP=1 --dbname "$POSTGRES_DB" -q -f "$script" ;;
      *.sql.gz) gunzip -c "$script" | psql -v ON_ERROR_STOP=1 --dbname "$POSTGRES_DB" -q ;;
      *) log "Übergehe $script (nur .sh, .sql, .sql.gz)" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  unset PGUSER PGHOST
  log "Datenbank $POSTGRES_DB für Benutzer $POSTGRES_USER angelegt."
}

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  initialise
fi
exec "$@"
