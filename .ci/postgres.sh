#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (DESIGN.md §12): initdb and
# pg_ctl as the unprivileged postgres user into a temporary folder, listening
# only on a Unix socket in that folder; no system service is involved.
#
#   eval "$(.ci/postgres.sh start)"   # exports ONBOARD_TEST_POSTGRES and ONBOARD_PG_DIR
#   .ci/postgres.sh stop "$ONBOARD_PG_DIR"
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
	echo "postgres.sh: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2
	exit 1
fi

# as runs a command as the postgres user (or as ourselves when we are not root).
as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "${1:-}" in
start)
	dir=$(mktemp -d /tmp/onboard-pg.XXXXXX)
	chmod 0755 "$dir" # the socket lives here; the data folder stays private
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200" start >/dev/null ||
		{ cat "$dir/server.log" >&2; exit 1; }
	as "$bin/createdb" -h "$dir" -U postgres onboard_test
	echo "export ONBOARD_PG_DIR='$dir'"
	echo "export ONBOARD_TEST_POSTGRES='postgres://postgres@/onboard_test?host=$dir'"
	;;
stop)
	dir=${2:?usage: postgres.sh stop DIR}
	as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: postgres.sh start | stop DIR" >&2
	exit 2
	;;
esac
