# Sourced by bench/gpu/device.sh: what a user who installs the VSIX gets on the GPU machine, done
# with the extension's own CLI (dist/cli.js) and engine (dist/engine.js), carried in `dist`.
#   recv         copy the carried .gpu-xfer/* (parts of the prebuilt CUDA pack's npm tarball, too big
#                for one call) into $W/xfer; call it over consecutive calls while the machine is warm
#   user-pack    assemble the tarball, `gpu-pack install --from` it, load a model as the extension does
#                (expect the decode test to catch the abort and fall back), then `gpu-build` (our
#                source build for this card) and load again (expect CUDA from the local build)
#   user-bench   llama-bench linked against the very libraries of the installed build, our engine on
#                them, the CPU user's case (prebuilt CPU package vs llama-bench's CPU build) and a
#                20-layer partial offload; the report
# .gpu-user/ (carried in the last calls): gpuBench.js (bench/gpu/main.ts bundled) and
# node-llama-cpp-linux-x64-3.21.1.tgz (the CPU package a linux-x64 VSIX carries).
U=${USER_DIR:-$REPO/.gpu-user}
D=$W/data
TINY=$W/tiny.gguf
CLI="node $REPO/dist/cli.js"
GB="node $U/gpuBench.js"
PACKS=$D/gpu-packs/3.21.1

recv() {
  mkdir -p "$W/xfer" && cp "$REPO"/.gpu-xfer/* "$W/xfer/" && ls -la "$W/xfer"
}

user_pack() {
  nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total --format=csv
  ldconfig -p | grep -E "libcudart|libcublas|libvulkan" | head -5
  local T=$W/node-llama-cpp-linux-x64-cuda-3.21.1.tgz
  [ -f "$T" ] || cat "$W"/xfer/cuda.part-* > "$T"
  ls -la "$T"; sha512sum "$T" | cut -c1-32
  [ -f "$TINY" ] || $CLI fixture "$TINY" --variant q8_0
  log "gpu-pack install --from (the prebuilt CUDA pack)"
  $CLI gpu-pack install --from "$T" --data-dir "$D"; log "exit code $?"
  $CLI gpu-pack list --data-dir "$D"
  log "the engine loads a model with backend auto, as the extension does"
  $GB backend --engine "$REPO/dist/engine.js" --model "$TINY" --data-dir "$D" --label "prebuilt CUDA pack" --results "$OUT/results.jsonl"
  log "the cached verdict on the second load (no second probe)"
  $GB backend --engine "$REPO/dist/engine.js" --model "$TINY" --data-dir "$D" --label "prebuilt CUDA pack, again" --results "$OUT/results.jsonl"
  log "gpu-build (our source build for this card)"
  build_cpu_lb > /dev/null 2>&1 &
  local cpu=$!
  $CLI gpu-build --data-dir "$D" > "$OUT/gpu-build.log" 2>&1; local rc=$?
  log "gpu-build exit code $rc"; tail -5 "$OUT/gpu-build.log"
  wait $cpu; log "CPU llama-bench build exit code $?"
  $CLI gpu-pack list --data-dir "$D"
  $GB backend --engine "$REPO/dist/engine.js" --model "$TINY" --data-dir "$D" --label "GPU support built for this machine" --results "$OUT/results.jsonl"
  cp "$OUT/results.jsonl" "$W/user-results.jsonl" 2>/dev/null
}

# llama-bench compiled against the installed build's own libraries (~20 s): the same kernels the
# engine runs, so the comparison isolates what node-llama-cpp and our engine add.
lb_for_pack() {
  local bins; bins=$(dirname "$(find "$PACKS" -name llama-addon.node -path '*local*' | head -1)")
  [ -d "$bins" ] || { log "no installed local build under $PACKS"; return 1; }
  [ -x "$W/llama-bench-pack" ] && { echo "$bins"; return 0; }
  local S=$NLC/llama/llama.cpp
  (cd "$S" && g++ -O2 -std=c++17 -DNDEBUG -Iinclude -Iggml/include -Icommon -Itools/llama-bench \
     tools/llama-bench/llama-bench.cpp tools/llama-bench/main.cpp -o "$W/llama-bench-pack" \
     "$bins"/libllama-common.so "$bins"/libllama.*.so "$bins"/libggml.*.so "$bins"/libggml-base.so -lpthread) >&2 || return 1
  echo "$bins"
}

user_bench() {
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv
  if [ ! -f "$MODELS/done" ]; then mkdir -p "$MODELS" && $GB write-models "$MODELS" && touch "$MODELS/done" || return 1; fi
  THREADS=$($GB threads); log "threads $THREADS"
  local Q4=$MODELS/mixtral-q4km.gguf bins
  bins=$(lb_for_pack) || return 1
  export MIXTRAL_GPU_PACKS=$PACKS
  # The CPU package a linux-x64 VSIX carries, where node-llama-cpp looks for it.
  local CPUPKG=$W/stage/node_modules/@node-llama-cpp/linux-x64
  [ -d "$CPUPKG" ] || { mkdir -p "$CPUPKG" && tar xzf "$U/node-llama-cpp-linux-x64-3.21.1.tgz" -C "$CPUPKG" --strip-components=1; }
  lbp() { log "llama-bench (installed build's libraries) $*"; LD_LIBRARY_PATH=$bins "$W/llama-bench-pack" -o jsonl -t "$THREADS" "$@" 2>>"$OUT/bench.err" | tee -a "$OUT/llama-bench.jsonl"; }
  for s in ${USER_SECTIONS:-lb-main engine lb-cpu engine-cpu lb-offload}; do
    if late "$BUDGET"; then log "budget reached: skipping $s"; continue; fi
    case $s in
      lb-main) lbp -m "$Q4" -ngl 99 -fa on -p 512 -n 128 -d 0,2048 -r "$RUNS" ;;
      lb-offload) lbp -m "$Q4" -ngl 20 -fa on -p 512 -n 64 -r 2 ;;
      lb-cpu) [ -x "$W/cpu-build/bin/llama-bench" ] || build_cpu_lb
              log "llama-bench CPU build"; "$W/cpu-build/bin/llama-bench" -m "$Q4" -ngl 0 -p 512 -n 64 -r 2 -t "$THREADS" -o jsonl 2>>"$OUT/bench.err" | tee -a "$OUT/llama-bench.jsonl" ;;
      engine) $GB engine --engine "$REPO/dist/engine.js" --models-dir "$MODELS" --threads "$THREADS" --runs "$RUNS" --results "$OUT/results.jsonl" --sections main,offload --deadline-ms $(( (START + BUDGET) * 1000 )) ;;
      engine-cpu) $GB engine --engine "$REPO/dist/engine.js" --models-dir "$MODELS" --threads "$THREADS" --runs 2 --results "$OUT/results.jsonl" --sections cpu ;;
    esac
  done
  $GB report --models-dir "$MODELS" --llama-bench "$OUT/llama-bench.jsonl" --results "$OUT/results.jsonl"
}
