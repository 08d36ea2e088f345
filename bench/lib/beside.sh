# The set-up shared by the scripts that measure one thing beside run.sh (sockmap.sh, scrape-ab.sh, close-ab.sh):
# run.sh's backend ports from PORT_BASE (BENCH_PORT_BASE moves them), its libraries, a work directory removed on
# exit, the peers installed, quill built (QUILL_SRC, QUILL_PREBUILT as for run.sh), this shell on core 0 and the backends started.
# Usage, with LIB_DIR, CONF_DIR and REPO_DIR set: source "$LIB_DIR/beside.sh"; beside_setup NAME DEFAULT_PORT_BASE
# Sets PORT_BASE, BACKEND1, BACKEND2, PROXY_BACKEND1, PROXY_BACKEND2, IPERF_PORT, WORK and QUILL_BIN.

source "$LIB_DIR/common.sh"
source "$LIB_DIR/install.sh"
source "$LIB_DIR/build_quill.sh"
source "$LIB_DIR/backends.sh"
source "$LIB_DIR/targets.sh"

beside_setup() {
    local name=$1
    bench_ports "$name.sh" "$2"
    WORK=$(mktemp -d "/tmp/quill-$name.XXXXXX")
    chmod 755 "$WORK" # nginx workers run as nobody and must read the backend's files
    trap 'cleanup; rm -rf "$WORK"' EXIT
    trap 'exit 130' INT TERM
    ensure_peers
    build_quill "${QUILL_SRC:-$REPO_DIR}" "$WORK/quill" "$WORK"
    [[ -n $QUILL_BIN ]] || die "quill: $QUILL_BUILD"
    log "quill: $QUILL_BUILD"
    taskset -cp 0 $$ >/dev/null
    start_backends "$WORK" "$CONF_DIR"
}
