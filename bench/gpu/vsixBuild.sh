#!/usr/bin/env bash
# Runs ON THE GPU MACHINE: "Build GPU Support for This Machine" from the installed VSIX itself (not
# the repository), the path a user on a data-centre card with an R580 driver takes. The VSIX has
# no llama.cpp source bundle; offline (that machine has no network) it takes --source.
#   bash bench/gpu/vsixBuild.sh unpack   .gpu-vsix/: node.tar.xz + npm.tar.xz (bench/gpu/pack.sh) and
#                                        mixtral-local-linux-x64-*.vsix (npm run package)
#   bash bench/gpu/vsixBuild.sh build    .gpu-xfer/node-llama-cpp-<version>.tgz (npm pack node-llama-cpp@<version>):
#                                        gpu-build --check, gpu-build --source, gpu-check
set -uo pipefail
REPO=$(pwd)
V=/tmp/mixtral-vsix
OUT=${OUT:-$V/out}
mkdir -p "$V" "$OUT"
export PATH=$V/node/bin:$PATH npm_config_nodedir=$V/node CUDACXX=/usr/local/cuda/bin/nvcc
EXT=$V/ext/extension
CLI="node $EXT/dist/cli.js"
case ${1:-} in
  unpack)
    mkdir -p "$V/node" "$V/ext"
    tar xJf "$REPO/.gpu-vsix/node.tar.xz" -C "$V/node" && tar xJf "$REPO/.gpu-vsix/npm.tar.xz" -C "$V" || exit 1
    printf '#!/bin/sh\nexec "%s/node/bin/node" "%s/npm/bin/npm-cli.js" "$@"\n' "$V" "$V" > "$V/node/bin/npm" && chmod +x "$V/node/bin/npm"
    python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$REPO"/.gpu-vsix/*.vsix "$V/ext" || exit 1
    ls "$EXT" "$EXT/node_modules/@node-llama-cpp"; node -v ;;
  build)
    SRC=$(ls "$REPO"/.gpu-xfer/node-llama-cpp-*.tgz | head -1)
    echo "== gpu-build --check (no source in the VSIX: the check says it will be downloaded)"
    $CLI gpu-build --check --data-dir "$V/data"; echo "exit $?"
    echo "== gpu-build --source $SRC"
    $CLI gpu-build --source "$SRC" --data-dir "$V/data" > "$OUT/vsix-gpu-build.log" 2>&1; rc=$?
    echo "exit $rc ($(grep -c . "$OUT/vsix-gpu-build.log") log lines)"; grep -E "llama.cpp source|Installed|Failed|error" "$OUT/vsix-gpu-build.log" | tail -8
    echo "== gpu-check"
    $CLI gpu-check --data-dir "$V/data"; echo "exit $?" ;;
  *) echo "usage: vsixBuild.sh unpack|build"; exit 2 ;;
esac
