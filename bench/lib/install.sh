# Installs the peers and tools the benchmark needs from Debian when they are missing.

NGINX_STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so

# nginx_has_stream: true when nginx can proxy TCP, either built in or as the Debian module.
nginx_has_stream() {
    command -v nginx >/dev/null || return 1
    [[ -f $NGINX_STREAM_MODULE ]] || nginx -V 2>&1 | grep -q -- '--with-stream\b'
}

ensure_peers() {
    local missing=() cmd pkg
    for cmd in pen:pen haproxy:haproxy wrk:wrk iperf3:iperf3 gnuplot:gnuplot-nox taskset:util-linux \
        curl:curl openssl:openssl; do
        command -v "${cmd%%:*}" >/dev/null || missing+=("${cmd#*:}")
    done
    command -v nginx >/dev/null || missing+=(nginx-light)
    nginx_has_stream || missing+=(libnginx-mod-stream)
    ((${#missing[@]} == 0)) && return 0
    log "installing from Debian: ${missing[*]}"
    [[ $(id -u) == 0 ]] || die "need root to apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    nginx_has_stream || die "nginx has no stream module after installing libnginx-mod-stream"
}
