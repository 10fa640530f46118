// The suite's last line: one JSON object of headline figures (null for a section that did not run),
// with the errors and skips of the sections that failed or were left out.
import { GPU_MIXTRAL_COSTS } from "../../src/core/speculation/draftPolicy";
import type { CancelFigures } from "../cancel";
import type { ChatViewFigures } from "../chatView";
import type { EngineOverhead } from "../engine";
import type { HostCost } from "../host";
import { nextEditSummary } from "../nextedit";
import type { SpecDecodeRun } from "../specdec";
import type { CompletionFigures } from "./completionFigures";
import type { ReuseComparison } from "./completionReuse";
import type { SectionOutcomes } from "./sections";
import { modeledRatio } from "./specDecode";
import { median, ratio, round } from "./stats";
import type { SuiteFigures } from "./summary";

export function headline(f: SuiteFigures, meta: Record<string, unknown>, { errors, skipped }: SectionOutcomes): Record<string, unknown> {
  return {
    ...meta,
    engine_tiny: overheadHeadline(f.tiny),
    engine_800mb: overheadHeadline(f.big),
    completion: completionHeadline(f.completion, f.reuseBig),
    cancel: cancelHeadline(f.cancel),
    host: hostHeadline(f.host),
    chat_view: chatViewHeadline(f.chat),
    specdec: specDecodeHeadline(f.specdec),
    nextedit: f.nextedit ? nextEditSummary(f.nextedit) : null,
    errors: Object.keys(errors).length ? errors : null,
    skipped: Object.keys(skipped).length ? skipped : null,
  };
}

function overheadHeadline(r: EngineOverhead | undefined): Record<string, unknown> | null {
  return r
    ? {
        prompt_tokens: r.promptTokens,
        new_tokens: r.tokens,
        direct_tok_s: round(r.direct.tokensPerSecond, 1),
        engine_tok_s: round(r.engine.tokensPerSecond, 1),
        decode_ratio: round(r.decodeRatio, 3),
        best_decode_ratio: round(ratio(r.engine.bestTokensPerSecond, r.direct.bestTokensPerSecond), 3),
        direct_ttft_ms: round(r.direct.ttftMs, 1),
        engine_ttft_ms: round(r.engine.ttftMs, 1),
        ttft_diff_ms: round(r.ttftDiffMs, 1),
      }
    : null;
}

function completionHeadline(c: CompletionFigures | undefined, reuseBig: ReuseComparison | undefined): Record<string, unknown> | null {
  const row = c ? (c.rows.find((r) => r.debounceMs === 100) ?? c.rows[0]) : undefined;
  return c
    ? {
        debounce_ms: row?.debounceMs ?? null,
        p50_ms: round(row?.p50Ms ?? NaN, 1),
        p95_ms: round(row?.p95Ms ?? NaN, 1),
        evaluated: round(row?.evaluated ?? NaN, 1),
        evaluated_unit: row?.evaluatedLabel ?? null,
        cache_hit_pct: round(row?.cacheHitPercent ?? NaN, 1),
        every_key_reuse_p50_ms: round(c.reuse.reuse.p50Ms, 1),
        every_key_no_reuse_p50_ms: round(c.reuse.noReuse.p50Ms, 1),
        reuse_latency_ratio: round(c.reuse.latencyRatio, 2),
        evaluated_per_key_reuse: round(c.reuse.reuse.evaluatedPerKey, 1),
        evaluated_per_key_no_reuse: round(c.reuse.noReuse.evaluatedPerKey, 1),
        reuse_evaluated_ratio: round(c.reuse.evaluatedRatio, 1),
        naive_over_ours_evaluated: round(c.naiveOverOurs, 1),
        reuse_800mb: reuseBig
          ? {
              keystrokes: reuseBig.keystrokes,
              reuse_p50_ms: round(reuseBig.reuse.p50Ms, 1),
              no_reuse_p50_ms: round(reuseBig.noReuse.p50Ms, 1),
              latency_ratio: round(reuseBig.latencyRatio, 1),
              evaluated_per_key_reuse: round(reuseBig.reuse.evaluatedPerKey, 1),
              evaluated_per_key_no_reuse: round(reuseBig.noReuse.evaluatedPerKey, 1),
            }
          : null,
      }
    : null;
}

function cancelHeadline(k: CancelFigures | undefined): Record<string, unknown> | null {
  return k
    ? {
        prompt_tokens: k.promptTokens,
        prompt_free_engine_ms: round(k.engine.prompt.freeMs, 1),
        prompt_free_direct_ms: round(k.direct.prompt.freeMs, 1),
        generation_free_engine_ms: round(k.engine.generation.freeMs, 1),
        generation_free_direct_ms: round(k.direct.generation.freeMs, 1),
        prompt_settle_engine_ms: round(k.engine.prompt.settleMs, 1),
        prompt_settle_direct_ms: round(k.direct.prompt.settleMs, 1),
      }
    : null;
}

function hostHeadline(h: HostCost | undefined): Record<string, unknown> | null {
  return h
    ? {
        require_ms: round(h.requireMs, 1),
        host_rss_mb: round(h.hostRssMb, 1),
        engine_rss_mb: round(h.engineRssMb, 1),
        engine_peak_mb: round(h.enginePeakMb, 1),
        model_mb: round(h.modelMb, 1),
        extension_kb: round(h.extensionBytes / 1024, 1),
        native_in_host: h.nativeInHost.length,
      }
    : null;
}

function chatViewHeadline(chat: ChatViewFigures | undefined): Record<string, unknown> | null {
  return chat
    ? {
        tokens: chat.tokens,
        fps_ours: round(chat.ours.fps, 1),
        fps_naive: round(chat.naive.fps, 1),
        chunk_p95_ms_ours: round(chat.ours.chunkP95Ms, 2),
        chunk_p95_ms_naive: round(chat.naive.chunkP95Ms, 2),
        long_tasks_ours: round(chat.ours.longTasks, 1),
        long_tasks_naive: round(chat.naive.longTasks, 1),
        nodes_per_chunk_ours: round(chat.ours.insertedPerChunk, 1),
        nodes_per_chunk_naive: round(chat.naive.insertedPerChunk, 1),
        history_turns: chat.history.turns,
        history_lines: chat.history.lines,
        replay_ms: round(chat.history.replayMs, 1),
        send_ms: round(chat.history.sendMs, 1),
        busy_per_chunk_ms_empty: round(chat.ours.busyPerChunkMs, 2),
        busy_per_chunk_ms_history: round(chat.history.stream.busyPerChunkMs, 2),
        scroll_p95_ms: round(chat.history.scrollP95Ms, 1),
        heap_mb: round(chat.history.heapAfterMb, 1),
      }
    : null;
}

function specDecodeHeadline(specdec: SpecDecodeRun | undefined): Record<string, unknown> | null {
  return specdec
    ? {
        edits: specdec.edits.length,
        keeps_most: specdec.edits.filter((e) => e.keepsMost).length,
        identical: specdec.edits.every((e) => e.identical),
        forced: specdec.edits.every((e) => e.forced),
        auto_median: round(specdec.summary.auto?.median ?? NaN, 3),
        auto_p25: round(specdec.summary.auto?.p25 ?? NaN, 3),
        auto_p75: round(specdec.summary.auto?.p75 ?? NaN, 3),
        always_median: round(specdec.summary.always?.median ?? NaN, 3),
        always_p25: round(specdec.summary.always?.p25 ?? NaN, 3),
        always_p75: round(specdec.summary.always?.p75 ?? NaN, 3),
        always_accepted_share: round(specdec.summary.always?.acceptedShare ?? NaN, 3),
        auto_replayed_h200_median: round(median(specdec.edits.filter((e) => e.keepsMost).map((e) => e.simulatedGpu.ratio)), 3),
        always_modeled_h200_median: round(
          median(specdec.edits.filter((e) => e.keepsMost && e.arms.always).map((e) => modeledRatio(e.arms.always!, GPU_MIXTRAL_COSTS))),
          3,
        ),
        chat_off_tok_s: round(specdec.chat?.off ?? NaN, 1),
        chat_auto_tok_s: round(specdec.chat?.auto ?? NaN, 1),
        chat_ratio: round(specdec.chat?.ratio ?? NaN, 3),
        chat_best_ratio: round(specdec.chat?.bestRatio ?? NaN, 3),
      }
    : null;
}
