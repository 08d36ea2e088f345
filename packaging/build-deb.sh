#!/usr/bin/env bash
# Builds the Debian package of quill and quillctl with dpkg-deb, offline (NuGet's local cache only), and prints
# the path of the .deb as its last line.
#
#   packaging/build-deb.sh                         # NativeAOT publish of both (a few minutes), then the package
#   QUILL_PUBLISHED=DIR packaging/build-deb.sh     # use DIR/quill and DIR/quillctl, already published
#   QUILL_DEB_OUT=DIR                              # where the .deb goes (default packaging/out)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${QUILL_DEB_OUT:-$here/out}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

for tool in dpkg-deb dpkg-shlibdeps gzip; do
    command -v "$tool" >/dev/null || { echo "build-deb: $tool is needed (apt-get install dpkg-dev)" >&2; exit 2; }
done

# The version: the project's (Directory.Build.props) and, from git, the commit's time and hash, so that every
# commit's package sorts after the one before it.
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$root/Directory.Build.props")
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    commit=$(git -C "$root" rev-parse HEAD)
    stamp=$(TZ=UTC git -C "$root" log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S)
    version="$version+git$stamp.${commit:0:12}"
    date=$(git -C "$root" log -1 --format=%aD)
else
    commit=unknown
    date=$(date -R)
fi
arch=$(dpkg --print-architecture)

published=${QUILL_PUBLISHED:-}
if [[ -z $published ]]; then
    published=$work/publish
    for project in Quill Quill.Ctl; do
        echo "build-deb: publishing src/$project (NativeAOT, Release)" >&2
        dotnet publish "$root/src/$project" -c Release -p:PublishAot=true -o "$published" >"$work/publish-$project.log" 2>&1 \
            || { cat "$work/publish-$project.log" >&2; echo "build-deb: dotnet publish src/$project failed" >&2; exit 1; }
    done
fi

tree=$work/root
install -d "$tree/DEBIAN" "$tree/usr/sbin" "$tree/usr/bin" "$tree/usr/share/man/man8" "$tree/etc/quill" \
    "$tree/lib/systemd/system" "$tree/usr/share/bash-completion/completions" "$tree/usr/share/doc/quill" \
    "$tree/usr/share/lintian/overrides"
install -m 755 "$published/quill" "$tree/usr/sbin/quill"
install -m 755 "$published/quillctl" "$tree/usr/bin/quillctl"
for page in quill.8 quillctl.8; do
    gzip -9n <"$here/man/$page" >"$tree/usr/share/man/man8/$page.gz"
done
install -m 644 "$here/completion/quill" "$here/completion/quillctl" "$tree/usr/share/bash-completion/completions/"
install -m 644 "$here/quill.cfg" "$tree/etc/quill/quill.cfg"
install -m 644 "$here/quill.service" "$tree/lib/systemd/system/quill.service"
install -m 644 "$here/debian/copyright" "$tree/usr/share/doc/quill/copyright"
install -m 644 "$here/debian/lintian-overrides" "$tree/usr/share/lintian/overrides/quill"
printf 'quill (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
    "$version" "$commit" "Quill maintainers <maintainers@users.noreply.r-seed-19a2b275.example>" "$date" \
    | gzip -9n >"$tree/usr/share/doc/quill/changelog.gz"
install -m 644 "$here/debian/conffiles" "$tree/DEBIAN/conffiles"
install -m 755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$tree/DEBIAN/"

# Library dependencies as dpkg-shlibdeps finds them (libc); libssl3 is loaded at run time, so it is named in control.in.
mkdir -p "$work/shlibs/debian"
printf 'Source: quill\n\nPackage: quill\nArchitecture: any\n' >"$work/shlibs/debian/control"
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$tree/usr/sbin/quill" "$tree/usr/bin/quillctl" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" -e "s|@SHLIBS@|$shlibs|" \
    "$here/debian/control.in" >"$tree/DEBIAN/control"
(cd "$tree" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\n' | sort | xargs md5sum) >"$tree/DEBIAN/md5sums"
chmod 644 "$tree/DEBIAN/md5sums" "$tree/DEBIAN/control"

deb=$out/quill_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" >/dev/null
echo "$deb"
