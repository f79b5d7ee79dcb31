#!/bin/sh
# Installs libgoogle_ds the way a C library is installed: the shared library with a versioned
# soname and its symlinks, the header, and a pkg-config file, under a prefix.
#
#   packaging/install.sh [--prefix DIR] [--libdir DIR] [--includedir DIR] [--destdir DIR]
#                        [--library PATH]
#
# Defaults: --prefix /usr/local, --libdir PREFIX/lib, --includedir PREFIX/include. --destdir
# stages the files under another root (for packaging); the paths inside google_ds.pc stay
# those of the prefix. Without --library it first builds the library in release mode
# (`cargo build --release -p google-ds`); with it, it installs that file as it is (the tests
# install the library they built). Linux and other ELF systems only.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local
libdir=
includedir=
destdir=
library=

while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --libdir) libdir=$2; shift 2 ;;
    --includedir) includedir=$2; shift 2 ;;
    --destdir) destdir=$2; shift 2 ;;
    --library) library=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
libdir=${libdir:-$prefix/lib}
includedir=${includedir:-$prefix/include}

# The version is the package's (the header's DS_VERSION_* macros carry the same, tested).
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
if [ "$major" = 0 ]; then soname=libgoogle_ds.so.0.$minor; else soname=libgoogle_ds.so.$major; fi

if [ -z "$library" ]; then
    (cd "$root" && cargo build --release -p google-ds)
    library=${CARGO_TARGET_DIR:-$root/target}/release/libgoogle_ds.so
fi
if [ ! -f "$library" ]; then
    echo "install.sh: $library does not exist; build it with cargo build --release -p google-ds" >&2
    exit 1
fi

install -d "$destdir$libdir" "$destdir$libdir/pkgconfig" "$destdir$includedir"
install -m 755 "$library" "$destdir$libdir/libgoogle_ds.so.$version"
# The release profile keeps line tables for the benchmarks' profiles; an installed copy does
# not need them (about 48 MB down to a few).
if command -v strip >/dev/null 2>&1; then
    strip --strip-debug "$destdir$libdir/libgoogle_ds.so.$version"
fi
ln -sf "libgoogle_ds.so.$version" "$destdir$libdir/$soname"
ln -sf "$soname" "$destdir$libdir/libgoogle_ds.so"
install -m 644 "$root/include/google_ds.h" "$destdir$includedir/google_ds.h"

cat >"$destdir$libdir/pkgconfig/google_ds.pc" <<PC
prefix=$prefix
libdir=$libdir
includedir=$includedir

Name: google_ds
Description: Google Workspace directory connector with a stable C ABI
Version: $version
Libs: -L\${libdir} -lgoogle_ds
Cflags: -I\${includedir}
PC

echo "installed libgoogle_ds $version ($soname) into $destdir$libdir, google_ds.h into $destdir$includedir"
