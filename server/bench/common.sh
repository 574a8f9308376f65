# Sourced by load.sh and generators.sh (from the repository's root): the
# release build of the server and of openloop, the CPUs they run on, and
# the reference server's config.
cargo build --release -p walletscreen-server --bin walletscreen-server --example openloop >&2
BIN=target/release/walletscreen-server
OL=target/release/examples/openloop

# The server on CPU 0, the load generators on CPU 1, where there are two.
SERVER_CPU=""; CLIENT_CPU=""; OHA_THREADS=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    SERVER_CPU="taskset -c 0"; CLIENT_CPU="taskset -c 1"
    # oha starts one runtime thread per physical core whatever its CPU
    # mask: two threads on the one CPU it may use take turns in time
    # slices of milliseconds, which its latency correction counts.
    OHA_THREADS=(--worker-threads 1)
fi

# nginx_conf DIR PORT: writes DIR/nginx.conf for nginx with one worker
# answering `return 200` on 127.0.0.1:PORT, no access log, keep-alive
# connections kept for good, every temporary path inside DIR (run as
# `nginx -p DIR -c DIR/nginx.conf -e DIR/error.log`).
nginx_conf() {
    local dir=$1 port=$2
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port;
    keepalive_requests 10000000;
    location / { return 200 "ok\n"; }
  }
}
EOF
}
