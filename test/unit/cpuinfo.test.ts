import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { hasAvx2, parseCpuinfo, readCpuinfo } from "../../src/core/cpuinfo";

// Two sockets, two cores each, two hyper-threads per core: 8 processors, 4 physical cores.
const x86 = [0, 1]
  .flatMap((socket) =>
    [0, 1].flatMap((core) =>
      [0, 1].map(
        () => `processor\t: x\nmodel name\t: Xeon\nflags\t\t: fpu sse4_2 avx avx2 fma\nphysical id\t: ${socket}\ncore id\t\t: ${core}\n`,
      ),
    ),
  )
  .join("\n");
const arm =
  "processor\t: 0\nFeatures\t: fp asimd evtstrm aes crc32 cpuid\nCPU part\t: 0xd0c\n\nprocessor\t: 1\nFeatures\t: fp asimd evtstrm aes crc32 cpuid\n";

describe("/proc/cpuinfo", () => {
  it("physical cores are distinct (socket, core) pairs, hyper-threads not counted; x86 flags", () => {
    const facts = parseCpuinfo(x86);
    assert.equal(facts.physicalCores, 4);
    assert.deepEqual([...facts.flags], ["fpu", "sse4_2", "avx", "avx2", "fma"]);
    assert.equal(hasAvx2(facts.flags, "x64"), true);
  });

  it("ARM: Features are the flags, no core ids means unknown cores, and no AVX2", () => {
    const facts = parseCpuinfo(arm);
    assert.equal(facts.physicalCores, undefined);
    assert.ok(facts.flags.has("asimd"));
    assert.equal(hasAvx2(facts.flags, "arm64"), false);
  });

  it("x64 without AVX2 in its flags is not AVX2; x64 with no flags to read is assumed AVX2", () => {
    assert.equal(hasAvx2(new Set(["sse4_2", "avx"]), "x64"), false);
    assert.equal(hasAvx2(new Set(), "x64"), true);
  });

  it("this (Linux) machine: the physical cores that lscpu counts", () => {
    const pairs = new Set(
      execFileSync("lscpu", ["-p=core,socket"], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l && !l.startsWith("#")),
    );
    assert.equal(readCpuinfo()?.physicalCores, pairs.size);
  });
});
