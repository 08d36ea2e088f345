# Starts the backends on core 0: one nginx worker serving /1k (1 KiB) on BACKEND1 and BACKEND2 (and,
# behind a PROXY protocol header, on PROXY_BACKEND1 and PROXY_BACKEND2),
# and one iperf3 server on IPERF_PORT for the bulk scenario.

start_backends() {
    local work=$1 conf_dir=$2
    local dir=$work/backend
    mkdir -p "$dir/www" "$dir/tmp"
    head -c 1024 /dev/zero | tr '\0' 'q' >"$dir/www/1k"
    # Scenario g's bulk download: sparse, so it takes no disk, and larger than any window can move.
    truncate -s 64G "$dir/www/big"
    render "$conf_dir/backend-nginx.conf.tmpl" "$dir/nginx.conf" \
        DIR="$dir" PORT1="$BACKEND1" PORT2="$BACKEND2" PROXY_PORT1="$PROXY_BACKEND1" PROXY_PORT2="$PROXY_BACKEND2"
    spawn "$dir/stdout.log" taskset -c 0 nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
    BACKEND_PID=$SPAWNED_PID
    wait_port "$BACKEND1" "$BACKEND_PID" && wait_port "$BACKEND2" "$BACKEND_PID" &&
        wait_port "$PROXY_BACKEND1" "$BACKEND_PID" && wait_port "$PROXY_BACKEND2" "$BACKEND_PID" ||
        die "backend nginx did not start: $(tail -n 3 "$dir/error.log" "$dir/stdout.log" 2>/dev/null)"
    local body
    body=$(curl_1k "$BACKEND1") && [[ ${#body} == 1024 ]] || die "backend does not serve /1k"

    # --rcv-timeout drops a test whose client went silent (e.g. a balancer that died mid-run),
    # so the server is free for the next target.
    spawn "$work/iperf3-server.log" taskset -c 0 iperf3 -s -B 127.0.0.1 -p "$IPERF_PORT" --rcv-timeout 5000
    IPERF_PID=$SPAWNED_PID
    wait_port "$IPERF_PORT" "$IPERF_PID" || die "iperf3 server did not start"
    log "backends up: nginx on :$BACKEND1 and :$BACKEND2 (pid $BACKEND_PID), iperf3 on :$IPERF_PORT"
}

# curl_1k PORT: body of GET /1k on 127.0.0.1:PORT, using bash's /dev/tcp so curl is not needed.
curl_1k() {
    local reply
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET /1k HTTP/1.0\r\nHost: bench\r\n\r\n' >&3
    reply=$(timeout 5 cat <&3)
    exec 3>&-
    printf '%s' "${reply#*$'\r\n\r\n'}"
}
