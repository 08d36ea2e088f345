# Describes the machine and the peers' versions as "key<TAB>value" lines for the report.

describe_machine() {
    local cpu
    cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'nproc\t%s\n' "$(nproc --all)"
    printf 'cpu\t%s\n' "${cpu:-unknown}"
    printf 'kernel\t%s\n' "$(uname -sr)"
    printf 'os\t%s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")"
    printf 'clk_tck\t%s\n' "$(getconf CLK_TCK)"
    printf 'ulimit_n\t%s\n' "$(ulimit -n)"
    printf 'quill_build\t%s\n' "$QUILL_BUILD"
    printf 'version_quill\t%s\n' "$(target_version quill)"
    printf 'version_pen\t%s\n' "$(target_version pen)"
    printf 'version_haproxy\t%s\n' "$(target_version haproxy)"
    printf 'version_nginx\t%s (stream module %s)\n' "$(target_version nginx)" "$(target_version libnginx-mod-stream)"
    printf 'version_wrk\t%s\n' "$(target_version wrk)"
    printf 'version_iperf3\t%s\n' "$(target_version iperf3)"
    printf 'version_gnuplot\t%s\n' "$(target_version gnuplot-nox)"
    printf 'version_dotnet\t%s\n' "$(dotnet --version 2>/dev/null || echo none)"
    printf 'version_python\t%s\n' "$(python3 -c 'import platform; print(platform.python_version())')"
}

# cpu_busy_percent SECONDS: how busy the cores were over the next SECONDS, in percent of all cores (from
# /proc/stat; time stolen by the hypervisor counts as busy). Taken while nothing of ours runs, it is the
# machine's other load, which the load average cannot show: ours alone keeps it near 2.
cpu_busy_percent() {
    local -a a b
    read -ra a </proc/stat
    sleep "$1"
    read -ra b </proc/stat
    local total=0 i idle
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    idle=$((b[4] - a[4] + b[5] - a[5]))
    echo $((total > 0 ? (100 * (total - idle) + total / 2) / total : 0))
}
