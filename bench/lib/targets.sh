# The balancers under test. Each listens on its own loopback port in front of two backends,
# round robin, and runs alone on core 1. "direct" is no balancer: traffic goes to backend 1.
# Each runs in one of three modes: tcp (scenarios a-e: quill and pen plain, haproxy mode tcp, nginx
# stream) or http (scenario f: quill and pen with -H, haproxy mode http with option forwardfor,
# nginx http proxy setting X-Forwarded-For), so every target adds the client's address, or proxy
# (scenario a2: as tcp, sending a PROXY protocol v2 header first; quill with proxy v2, haproxy with
# send-proxy-v2; the others have no v2 sender and skip it), tls-ecdsa / tls-rsa (scenario g: TLS 1.3
# terminated with the certificate in $TLS_DIR/KEY.crt and .key, plain to the backends; haproxy bind ... ssl,
# nginx stream listen ... ssl, quill and pen -E/-K), or scrape (scenario b2: as tcp, with a Prometheus
# /metrics endpoint on SCRAPE_PORT; quill with --web-listen, haproxy with its prometheus-exporter service; pen and
# nginx have none and skip it).

ALL_TARGETS=(quill pen haproxy nginx direct)

# target_index NAME: stable small number per target, used for ports and chart colours.
target_index() {
    local i
    for i in "${!ALL_TARGETS[@]}"; do [[ ${ALL_TARGETS[$i]} == "$1" ]] && { echo $((i + 1)); return; }; done
    die "unknown target $1"
}

# target_argv NAME PORT BACKEND1 BACKEND2 DIR [MODE]: set TARGET_ARGV to the command that runs
# NAME in the foreground in MODE (tcp, the default, http, proxy, tls-ecdsa, tls-rsa or scrape), writing any config it needs into DIR.
target_argv() {
    local name=$1 port=$2 b1=$3 b2=$4 dir=$5 mode=${6:-tcp}
    local extra=() send_proxy="" cert="" key="" scrape=""
    [[ $mode == http ]] && extra=(-H)
    [[ $mode == proxy ]] && extra=(-o "proxy v2") send_proxy=send-proxy-v2
    if [[ $mode == scrape ]]; then
        extra=(--web-listen "127.0.0.1:$SCRAPE_PORT")
        printf -v scrape 'frontend prometheus\n    mode http\n    bind 127.0.0.1:%s\n    http-request use-service prometheus-exporter if { path /metrics }\n' "$SCRAPE_PORT"
    fi
    if [[ $mode == tls-* ]]; then
        cert=$TLS_DIR/${mode#tls-}.crt key=$TLS_DIR/${mode#tls-}.key
        extra=(-E "$cert" -K "$key")
        [[ $name == quill ]] && extra+=(-L tls1.3) # pen's -L has no TLS 1.3 word; its default offers 1.3
    fi
    mkdir -p "$dir"
    case $name in
        quill)
            TARGET_ARGV=("$QUILL_BIN" -f -r -x 10000 "${extra[@]}" "127.0.0.1:$port" "127.0.0.1:$b1" "127.0.0.1:$b2") ;;
        pen)
            TARGET_ARGV=(pen -f -r -x 10000 "${extra[@]}" "127.0.0.1:$port" "127.0.0.1:$b1" "127.0.0.1:$b2") ;;
        haproxy)
            local template=tcp
            [[ $mode == http ]] && template=http
            [[ $mode == tls-* ]] && template=tls && cat "$cert" "$key" >"$dir/cert.pem"
            render "$CONF_DIR/haproxy-$template.cfg.tmpl" "$dir/haproxy.cfg" PORT="$port" BACKEND1="$b1" BACKEND2="$b2" \
                SEND_PROXY="$send_proxy" CERT="$dir/cert.pem" SCRAPE="$scrape"
            TARGET_ARGV=(haproxy -db -f "$dir/haproxy.cfg") ;;
        nginx)
            if [[ $mode == http ]]; then
                render "$CONF_DIR/nginx-http.conf.tmpl" "$dir/nginx.conf" \
                    DIR="$dir" PORT="$port" BACKEND1="$b1" BACKEND2="$b2"
            else
                local load="" template=stream
                [[ -f $NGINX_STREAM_MODULE ]] && load="load_module $NGINX_STREAM_MODULE;"
                [[ $mode == tls-* ]] && template=tls
                render "$CONF_DIR/nginx-$template.conf.tmpl" "$dir/nginx.conf" \
                    LOAD_STREAM="$load" DIR="$dir" PORT="$port" BACKEND1="$b1" BACKEND2="$b2" CERT="$cert" KEY="$key"
            fi
            TARGET_ARGV=(nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf") ;;
        *) die "target $name has no command" ;;
    esac
}

# start_target NAME PORT BACKEND1 BACKEND2 [MODE]: start NAME on core 1 in MODE (see target_argv) and
# wait until PORT accepts. Sets TARGET_PID and TARGET_PORT; for direct, TARGET_PID is empty and
# TARGET_PORT is BACKEND1. On failure it stops what it started, sets TARGET_ERROR and returns 1.
start_target() {
    local name=$1 port=$2 b1=$3 b2=$4 mode=${5:-tcp} dir=$WORK/$1-$2
    if [[ $name == direct ]]; then
        TARGET_PID="" TARGET_PORT=$b1
        return 0
    fi
    target_argv "$name" "$port" "$b1" "$b2" "$dir" "$mode"
    spawn "$dir/output.log" taskset -c 1 "${TARGET_ARGV[@]}"
    TARGET_PID=$SPAWNED_PID TARGET_PORT=$port
    if ! wait_port "$port" "$TARGET_PID" 15; then
        TARGET_ERROR="$name did not start on :$port: $(cat "$dir/output.log" "$dir/error.log" 2>/dev/null | tail -n 3 | tr '\n' ' ')"
        log "$TARGET_ERROR"
        stop_target
        return 1
    fi
}

stop_target() {
    [[ -n $TARGET_PID ]] && stop_pid "$TARGET_PID"
    TARGET_PID=""
    return 0
}

# target_version NAME: one line naming the version of NAME as installed.
target_version() {
    case $1 in
        quill) [[ -n $QUILL_BIN ]] && "$QUILL_BIN" --version 2>/dev/null | head -n 1 || echo "not built" ;;
        pen | haproxy | wrk | iperf3 | gnuplot-nox | libnginx-mod-stream)
            dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown ;;
        nginx) nginx -v 2>&1 | sed 's/^nginx version: //' ;;
        *) echo "-" ;;
    esac
}
