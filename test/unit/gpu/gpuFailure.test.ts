// The words for a failed GPU backend: the reason read from the process's exit and stderr, the fix,
// and whether it is deterministic (cached and never retried) or not (tested again next time).
import * as assert from "node:assert/strict";
import { explainGpuFailure, fallbackNotice, gpuErrorLine, isFallbackNotice } from "../../../src/core/gpu/gpuFailure";

// ggml's lines as printed before the abort on the H200 (driver 580.159.04, docs/FACTS.md).
const PTX_ABORT = [
  "CUDA error: the provided PTX was compiled with an unsupported toolchain",
  "  current device: 0, in function ggml_cuda_kernel_can_use_pdl at ggml/src/ggml-cuda/ggml-cuda.cu:3134",
  "  cudaFuncGetAttributes(&attr, kernel)",
  "ggml/src/ggml-cuda/ggml-cuda.cu:108: CUDA error",
].join("\n");

describe("gpuFailure", () => {
  it("names the driver, the card and the fixes for the H200's PTX abort, and marks it deterministic", () => {
    const f = explainGpuFailure(
      "cuda",
      { signal: "SIGABRT", exitCode: null, stderr: PTX_ABORT },
      { driverVersion: "580.159.04", computeCapability: "9.0" },
    );
    assert.equal(
      f.reason,
      "driver 580 cannot run this CUDA build on an sm_90 card (its code for the card is PTX from a newer CUDA than the driver supports)",
    );
    assert.equal(
      f.fix,
      "update the NVIDIA driver to R590+ (CUDA 13.1), or build GPU support for this machine (“Mixtral: Build GPU Support for This Machine”, or `mixtral-local gpu-build`), or use the Vulkan pack",
    );
    assert.equal(f.deterministic, true);
    assert.equal(f.signature, "SIGABRT|CUDA error: the provided PTX was compiled with an unsupported toolchain");
    const notice = fallbackNotice(f, "vulkan");
    assert.match(
      notice,
      /^CUDA was not used: driver 580 cannot run this CUDA build on an sm_90 card .*\. Using Vulkan instead\. To fix: update the NVIDIA driver/,
    );
    assert.ok(isFallbackNotice(notice));
    assert.ok(!isFallbackNotice("Context size reduced to 2048 tokens to fit in memory."));
  });

  it("tells a driver-only machine that the CUDA pack needs the CUDA runtime, or the Vulkan pack", () => {
    const f = explainGpuFailure("cuda", {
      signal: null,
      exitCode: 1,
      stderr: "loading libggml-cuda.so: libcudart.so.13: cannot open shared object file: No such file or directory",
      error: "NoBinaryFoundError",
    });
    assert.equal(f.reason, "the CUDA runtime is not installed (libcudart.so.13 not found): the CUDA pack contains no CUDA runtime");
    assert.match(f.fix, /install the CUDA runtime .* or use the Vulkan pack, which needs only the GPU driver/);
    assert.equal(f.deterministic, true);
  });

  it("does not remember failures that are not the binary's: out of memory, a kill from outside, a timeout", () => {
    assert.equal(
      explainGpuFailure("cuda", { signal: "SIGABRT", exitCode: null, stderr: "CUDA error: out of memory" }).deterministic,
      false,
    );
    assert.equal(explainGpuFailure("vulkan", { signal: "SIGKILL", exitCode: null, stderr: "" }).deterministic, false);
    assert.equal(
      explainGpuFailure("cuda", { signal: "SIGKILL", exitCode: null, stderr: "", error: "no answer within 300 s" }).deterministic,
      false,
    );
  });

  it("prefers the line that says what failed when ggml prints the generic one first (as on the H200)", () => {
    // The order of the H200's stderr (bench/gpu/results/2026-12-04-user-fallback.log), backtrace lines between.
    const h200 = [
      "/home/runner/work/node-llama-cpp/node-llama-cpp/llama/llama.cpp/ggml/src/ggml-cuda/ggml-cuda.cu:108: CUDA error",
      "/tmp/mixtral-gpu/data/gpu-packs/3.21.1/node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/llama-addon.node(_ZN4Napi11AsyncWorker18OnAsyncWorkExecuteEP10napi_env__Pv+0x32)[0x7f6fe8f004b2]",
      "CUDA error: the provided PTX was compiled with an unsupported toolchain.",
      "  current device: 0, in function ggml_cuda_kernel_can_use_pdl at ggml/src/ggml-cuda/common.cuh:1640",
    ].join("\n");
    assert.deepEqual(gpuErrorLine(h200), {
      backend: "cuda",
      line: "CUDA error: the provided PTX was compiled with an unsupported toolchain.",
    });
    const f = explainGpuFailure(
      "cuda",
      { signal: "SIGABRT", exitCode: null, stderr: h200 },
      { driverVersion: "580.159.04", computeCapability: "9.0" },
    );
    assert.equal(f.signature, "SIGABRT|CUDA error: the provided PTX was compiled with an unsupported toolchain.");
    assert.match(f.reason, /^driver 580 cannot run this CUDA build on an sm_90 card/);
  });

  it("finds the GPU error line and its backend in a native crash's stderr", () => {
    assert.deepEqual(gpuErrorLine(`some log\n${PTX_ABORT}`), {
      backend: "cuda",
      line: "CUDA error: the provided PTX was compiled with an unsupported toolchain",
    });
    assert.equal(gpuErrorLine("ggml_vulkan: Device memory allocation failed")?.backend, "vulkan");
    assert.equal(gpuErrorLine("GGML_ASSERT(n_expert_used <= n_expert) failed"), undefined);
  });
});
