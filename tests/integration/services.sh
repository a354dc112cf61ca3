#!/bin/bash
# services.sh - Debian's redis-server, nginx and PostgreSQL each start and
# serve under hardgate exec with privs, coredump and a seccomp allow-list
# (@system-service); each is checked confined in /proc and answers.
. "$(dirname "$0")/lib.sh"
hg=$HG_CLI
preload=$HG_PRELOAD_TEST
groups=$HG_SRCDIR/modules/seccomp/seccomp.groups
if [ -n "${HG_SANITIZERS:-}" ]; then
	# LeakSanitizer stops the world at exit with clone and ptrace, which an
	# allow-list forbids: the exiting program would spin forever.
	export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
fi

# confined PID USER WHAT: the kernel's view of a protected process
confined() {
	local pid=$1 uid
	uid=$(id -u "$2")
	check "$3: runs as $2" grep -Eq "^Uid:\s+$uid\s+$uid\s+$uid\s+$uid$" "/proc/$pid/status"
	check "$3: seccomp filter mode" grep -Eq '^Seccomp:\s+2$' "/proc/$pid/status"
	check "$3: no capabilities" grep -Eq '^CapEff:\s+0+$' "/proc/$pid/status"
	check "$3: no_new_privs" grep -Eq '^NoNewPrivs:\s+1$' "/proc/$pid/status"
	check "$3: core size 0" grep -Eq '^Max core file size +0 +0 ' "/proc/$pid/limits"
}

http_ok() { python3 -c 'import sys, urllib.request as u; sys.exit(0 if b"hardgate" in u.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=2).read() else 1)' "$1" 2>/dev/null; }

echo "# redis-server"
if command -v redis-server >/dev/null && id redis >/dev/null 2>&1; then
	service_policy "$tmp/redis.conf" redis
	install -d -o redis -g redis -m 700 "$tmp/redis"
	port=$(free_port)
	redis_args "$port" "$tmp/redis"
	launch "$tmp/redis.conf" "$tmp/redis.log" "$(command -v redis-server)" "${args[@]}"
	if wait_until 10 pong "$port"; then ok "redis: answers PING under the filter"; else
		not_ok "redis: no PONG"; sed 's/^/    | /' "$tmp/redis.log"; fi
	confined "$pid" redis redis
	check "redis: the seccomp print lists its allow-list" \
		bash -c "'$hg' seccomp --conf '$tmp/redis.conf' --service svc --print | grep -q 'allow epoll_wait'"
else
	echo "# redis-server not installed: skipped"
fi

echo "# nginx"
if command -v nginx >/dev/null && id www-data >/dev/null 2>&1; then
	service_policy "$tmp/nginx.conf" www-data
	install -d -o www-data -g www-data -m 755 "$tmp/nginx" "$tmp/nginx/html" "$tmp/nginx/logs"
	echo "hardgate protected nginx" >"$tmp/nginx/html/index.html"
	port=$(free_port)
	cat >"$tmp/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server { listen 127.0.0.1:$port; root $tmp/nginx/html; }
}
NGINX
	chmod 644 "$tmp/nginx/nginx.conf"
	launch "$tmp/nginx.conf" "$tmp/nginx.log" "$(command -v nginx)" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf"
	if wait_until 10 http_ok "$port"; then ok "nginx: serves a GET under the filter"; else
		not_ok "nginx: no page"; sed 's/^/    | /' "$tmp/nginx.log" "$tmp/nginx/logs/error.log"; fi
	confined "$pid" www-data nginx
	worker=$(pgrep -P "$pid" | head -1)
	[ -n "$worker" ] && confined "$worker" www-data "nginx worker"
	kill -TERM "$pid"	# the master stops its workers; SIGKILL would orphan them
	wait_until 10 bash -c "! kill -0 $pid 2>/dev/null"
else
	echo "# nginx not installed: skipped"
fi

echo "# postgresql"
pgbin=$(pg_bindir)
if [ -n "${HG_SANITIZERS:-}" ]; then
	# The ASan runtime the sanitized preload drags into postgres' forked
	# startup process hangs it; the plain build runs this check.
	echo "# sanitizer build: postgresql skipped (ASan inside an uninstrumented forking server)"
elif [ -n "$pgbin" ] && id postgres >/dev/null 2>&1; then
	service_policy "$tmp/pg.conf" postgres
	install -d -o postgres -g postgres -m 700 "$tmp/pg"
	if runuser -u postgres -- "$pgbin/initdb" -D "$tmp/pg/data" -A trust -U postgres >"$tmp/initdb.log" 2>&1; then
		port=$(free_port)
		launch "$tmp/pg.conf" "$tmp/pg.log" "$pgbin/postgres" -D "$tmp/pg/data" -k "$tmp/pg" -p "$port" \
			-c listen_addresses=127.0.0.1
		if wait_until 20 pg_ok "$port"; then ok "postgres: answers select 1 under the filter"; else
			not_ok "postgres: no answer"; sed 's/^/    | /' "$tmp/pg.log"; fi
		confined "$pid" postgres postgres
		backend=$(pgrep -P "$pid" | head -1)
		[ -n "$backend" ] && confined "$backend" postgres "postgres child"
		kill -INT "$pid"
		wait_until 10 bash -c "! kill -0 $pid 2>/dev/null"
	else
		not_ok "initdb failed"; sed 's/^/    | /' "$tmp/initdb.log"
	fi
else
	echo "# postgresql not installed: skipped"
fi

echo "# every runtime module in one stack"
write_policy "$tmp/full.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: {
  svc: {
    stack = (
      { module = "privs";    control = "required"; args: { user = "nobody"; }; },
      { module = "coredump"; control = "required"; },
      { module = "seccomp";  control = "required";
        args: { allow = [ "@system-service" ]; groups_file = "$groups"; }; },
      { module = "netout";   control = "required"; args: { allow = [ "127.0.0.1:5432" ]; }; }
    );
  };
};
CONF
expect_status 0 "privs, coredump, seccomp and netout together let a program run to its end" \
	"$hg" exec --conf "$tmp/full.conf" --service svc --preload "$preload" -- /bin/echo confined
expect_out "^confined$" "and it printed"

echo "# the same stack with the compiled-filter cache: stored once, then loaded"
mkdir -m 0755 "$tmp/bpf"
sed "s|groups_file = \"$groups\";|groups_file = \"$groups\"; cache_dir = \"$tmp/bpf\";|" \
	"$tmp/full.conf" | write_policy "$tmp/cached.conf"
expect_status 0 "a cold cache: the launcher compiles, stores, and the program runs" \
	"$hg" exec --conf "$tmp/cached.conf" --service svc --preload "$preload" -- /bin/echo confined
expect_out "^confined$" "and it printed"
entry=$(find "$tmp/bpf" -name '*.bpf')
check "one entry, root-owned 0644" test "$(stat -c '%u %a' "$entry" 2>/dev/null)" = "0 644"
before=$(stat -c '%i %Y' "$entry")
expect_status 0 "a warm cache: the program runs under the stored filter" \
	"$hg" exec --conf "$tmp/cached.conf" --service svc --preload "$preload" -- /bin/echo confined
check "the entry was used, not written again" test "$(stat -c '%i %Y' "$entry")" = "$before"
printf 'x' >>"$entry"
expect_status 78 "a damaged entry refuses the start" \
	"$hg" exec --conf "$tmp/cached.conf" --service svc --preload "$preload" -- /bin/echo confined
expect_out "HG-015 FAIL $(re "$entry") .*does not have the size its header says; fix: remove the file" \
	"the refusal names the entry, why and the fix"
expect_no_out "^confined$" "and the program never ran"

echo "# a forbidden syscall under the same kind of filter"
service_policy "$tmp/forbid.conf" nobody
# python3 under an allow-list without @mount: mount(2) kills it with SIGSYS
launch "$tmp/forbid.conf" "$tmp/forbid.log" /usr/bin/python3 -c 'import ctypes; ctypes.CDLL(None).mount(b"none", b"/mnt", b"tmpfs", 0, None); print("mounted")'
st=0
wait "$pid" || st=$?
check "mount(2) outside the allow-list kills the process with SIGSYS (status $st)" test "$st" -eq 159
check "and it never returned" bash -c "! grep -q mounted '$tmp/forbid.log'"

finish
