# One repetition of every scenario against one target. Appends one JSON record per scenario
# to $RAW (see lib/measure.py). Ports: main instance PORT_BASE+300+i, bulk instance
# PORT_BASE+400+i, start-up runs PORT_BASE+500+i, HTTP-mode instance (scenario f)
# PORT_BASE+600+i, proxy-mode instance (scenario a2) PORT_BASE+700+i, TLS instances (scenario g) PORT_BASE+800+i
# (ECDSA) and PORT_BASE+810+i (RSA), scrape-mode instance (scenario b2) PORT_BASE+820+i with its /metrics on
# PORT_BASE+900+i, where i is the target's index.

measure() {
    taskset -c 0 python3 "$LIB_DIR/measure.py" "$@" >>"$RAW"
}

# failed NAME REP SCENARIO...: record that the target could not be measured in these scenarios.
failed() {
    local name=$1 rep=$2 scenario; shift 2
    for scenario in "$@"; do
        python3 -c 'import json, sys; print(json.dumps({"rep": int(sys.argv[1]), "target": sys.argv[2],
            "scenario": sys.argv[3], "error": sys.argv[4]}))' "$rep" "$name" "$scenario" "$TARGET_ERROR" >>"$RAW"
    done
}

# warm_up [SCHEME]: not measured; fills caches and lets a JIT build compile its hot paths before a fresh instance is measured.
warm_up() {
    taskset -c 0 timeout 30 wrk -t1 -c50 -d"${WARMUP_SECONDS}s" "${1:-http}://127.0.0.1:$TARGET_PORT/1k" >/dev/null 2>&1 || true
}

run_target_rep() {
    local name=$1 rep=$2 i
    i=$(target_index "$name")
    local main_port=$((PORT_BASE + 300 + i)) bulk_port=$((PORT_BASE + 400 + i)) start_port=$((PORT_BASE + 500 + i))
    local http_port=$((PORT_BASE + 600 + i)) proxy_port=$((PORT_BASE + 700 + i)) scrape_port=$((PORT_BASE + 820 + i))
    SCRAPE_PORT=$((PORT_BASE + 900 + i))

    log "rep $rep: $name"
    local pid_args
    if start_target "$name" "$main_port" "$BACKEND1" "$BACKEND2"; then
        pid_args=(--target "$name" --rep "$rep" --port "$TARGET_PORT")
        [[ -n $TARGET_PID ]] && pid_args+=(--pid "$TARGET_PID")
        warm_up
        measure close "${pid_args[@]}" --conns 50 --seconds "$HTTP_SECONDS"
        measure keepalive "${pid_args[@]}" --conns 100 --seconds "$HTTP_SECONDS"
        measure idle "${pid_args[@]}" --count "$IDLE_COUNT" --seconds 60
        stop_target
    else
        failed "$name" "$rep" close keepalive idle
    fi

    # iperf3 needs its control and data connections on the same server, so the bulk instance
    # lists the single iperf3 server twice: round robin still alternates, both reach it.
    if start_target "$name" "$bulk_port" "$IPERF_PORT" "$IPERF_PORT"; then
        pid_args=(--target "$name" --rep "$rep" --port "$TARGET_PORT")
        [[ -n $TARGET_PID ]] && pid_args+=(--pid "$TARGET_PID")
        measure bulk "${pid_args[@]}" --seconds "$BULK_SECONDS"
        stop_target
    else
        failed "$name" "$rep" bulk
    fi

    if [[ $name != direct ]]; then
        target_argv "$name" "$start_port" "$BACKEND1" "$BACKEND2" "$WORK/$name-$start_port"
        measure startup --target "$name" --rep "$rep" --port "$start_port" --runs "$STARTUP_RUNS" \
            --log "$WORK/$name-$start_port/output.log" -- "${TARGET_ARGV[@]}"
    fi

    # Last, so this target's a to e run as they did before f existed.
    if start_target "$name" "$http_port" "$BACKEND1" "$BACKEND2" http; then
        pid_args=(--target "$name" --rep "$rep" --port "$TARGET_PORT")
        [[ -n $TARGET_PID ]] && pid_args+=(--pid "$TARGET_PID")
        warm_up
        measure keepalive_xff "${pid_args[@]}" --conns 100 --seconds "$HTTP_SECONDS"
        stop_target
    else
        failed "$name" "$rep" keepalive_xff
    fi

    # a2 after f, so a to f run as before it existed: a with a PROXY v2 header on every backend connection.
    if [[ $name == quill || $name == haproxy ]]; then
        if start_target "$name" "$proxy_port" "$PROXY_BACKEND1" "$PROXY_BACKEND2" proxy; then
            pid_args=(--target "$name" --rep "$rep" --port "$TARGET_PORT" --pid "$TARGET_PID")
            warm_up
            measure close_proxy "${pid_args[@]}" --conns 50 --seconds "$HTTP_SECONDS"
            stop_target
        else
            failed "$name" "$rep" close_proxy
        fi
    fi

    # b2 last: b's load while a Prometheus scraper reads the balancer's /metrics every 100 ms (quill's
    # web_listen, haproxy's prometheus-exporter); the scrapes' CPU counts in the balancer's.
    if [[ $name == quill || $name == haproxy ]]; then
        if start_target "$name" "$scrape_port" "$BACKEND1" "$BACKEND2" scrape; then
            pid_args=(--target "$name" --rep "$rep" --port "$TARGET_PORT" --pid "$TARGET_PID")
            warm_up
            measure keepalive_scrape "${pid_args[@]}" --conns 100 --seconds "$HTTP_SECONDS" \
                --scrape-port "$SCRAPE_PORT" --scrape-interval 0.1
            stop_target
        else
            failed "$name" "$rep" keepalive_scrape
        fi
    fi

    # g, last so a to a2 run as before it existed: TLS 1.3 terminated by the balancer, plain to the backends.
    # Handshakes with each key type; keep-alive requests and one bulk stream with ECDSA (the bulk cipher is the same).
    [[ $name == direct ]] && return 0
    local key tls_port
    for key in ecdsa rsa; do
        tls_port=$((PORT_BASE + 800 + i))
        [[ $key == rsa ]] && tls_port=$((PORT_BASE + 810 + i))
        if start_target "$name" "$tls_port" "$BACKEND1" "$BACKEND2" "tls-$key"; then
            pid_args=(--target "$name" --rep "$rep" --port "$TARGET_PORT" --pid "$TARGET_PID")
            warm_up https
            measure "tls_handshake_$key" "${pid_args[@]}" --conns "$TLS_CLIENTS" --seconds "$HTTP_SECONDS"
            if [[ $key == ecdsa ]]; then
                measure tls_keepalive "${pid_args[@]}" --conns 100 --seconds "$HTTP_SECONDS"
                measure tls_bulk "${pid_args[@]}" --seconds "$BULK_SECONDS"
            fi
            stop_target
        elif [[ $key == ecdsa ]]; then
            failed "$name" "$rep" tls_handshake_ecdsa tls_keepalive tls_bulk
        else
            failed "$name" "$rep" tls_handshake_rsa
        fi
    done
}
