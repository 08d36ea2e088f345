# Builds quill in Release: NativeAOT first (the shipped build), a normal Release publish when
# AOT fails. Sets QUILL_BIN (empty when quill cannot be built) and QUILL_BUILD (how it was built
# and from which commit, or why it is missing), which the report shows.

# source_revision REPO: short commit of REPO, with "+changes" when src/ differs from it.
source_revision() {
    local rev
    rev=$(git -C "$1" rev-parse --short HEAD 2>/dev/null) || { echo "unknown commit"; return; }
    git -C "$1" diff --quiet HEAD -- src 2>/dev/null || rev+="+changes"
    echo "commit $rev"
}

build_quill() {
    local repo=$1 out=$2 logdir=$3
    QUILL_BIN=""
    if [[ -n ${QUILL_PREBUILT:-} ]]; then
        [[ -x $QUILL_PREBUILT ]] || die "QUILL_PREBUILT=$QUILL_PREBUILT is not an executable"
        QUILL_BIN=$QUILL_PREBUILT QUILL_BUILD="prebuilt ($QUILL_PREBUILT)"
        return 0
    fi
    if ! command -v dotnet >/dev/null; then
        QUILL_BUILD="skipped: dotnet not found"
        return 0
    fi
    log "building quill (NativeAOT, Release)"
    if timeout 900 dotnet publish "$repo/src/Quill" -c Release -p:PublishAot=true \
        -o "$out/aot" >"$logdir/quill-aot.log" 2>&1 && [[ -x $out/aot/quill ]]; then
        QUILL_BIN=$out/aot/quill QUILL_BUILD="NativeAOT (dotnet publish -c Release -p:PublishAot=true, $(source_revision "$repo"))"
        stop_build_servers
        return 0
    fi
    log "NativeAOT publish failed (log: $logdir/quill-aot.log); trying a normal Release publish"
    if timeout 900 dotnet publish "$repo/src/Quill" -c Release \
        -o "$out/jit" >"$logdir/quill-jit.log" 2>&1 && [[ -x $out/jit/quill ]]; then
        QUILL_BIN=$out/jit/quill QUILL_BUILD="Release with JIT (NativeAOT publish failed, $(source_revision "$repo"))"
        stop_build_servers
        return 0
    fi
    local reason
    reason=$(grep -m1 -E 'error [A-Z]+[0-9]+' "$logdir/quill-jit.log" | sed -E 's/^.*(error [A-Z]+[0-9]+: [^[]*[^[ ]) *\[.*$/\1/' || true)
    QUILL_BUILD="skipped: dotnet publish src/Quill failed ($(source_revision "$repo")${reason:+: $reason})"
}

# The compiler and MSBuild servers a build leaves behind would otherwise share the cores with the first target.
stop_build_servers() {
    timeout 60 dotnet build-server shutdown >/dev/null 2>&1 || true
}
