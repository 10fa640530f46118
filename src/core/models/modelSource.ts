// Where a level's GGUF comes from: the `mixtral.modelSource` setting, parsed once.
//
//   hf:<user>/<repo>[@<revision>][:<file pattern>]   a Hugging Face repository
//   https://mirror.example/models/[<file pattern>]    a mirror's base URL (a folder of GGUFs)
//
// The file pattern names the file for a level with `{QUANT}`; the default is the one used by
// mradermacher's repositories. TheBloke's December 2023 files use the old per-expert tensor
// layout that this llama.cpp refuses, so the default points at a merged-expert conversion.
import { InvalidOptionsError } from "../errors";
import type { QuantLevelId } from "./catalog";

export const DEFAULT_FILE_PATTERN = "Mixtral-8x7B-Instruct-v0.1.{QUANT}.gguf";
/** Pinned default. The revision is `main` because no commit hash could be checked from where this
 *  was written (no hub access); the integrity pin is the sha256 the hub publishes for each file
 *  (X-Linked-Etag), which the downloader verifies. Replace `main` with a commit hash when one has
 *  been checked. */
export const DEFAULT_MODEL_SOURCE = "hf:mradermacher/Mixtral-8x7B-Instruct-v0.1-GGUF@main";
export const HF_ENDPOINT = "https://huggingface.co";

export type ModelSource =
  | { kind: "hub"; repo: string; revision: string; filePattern: string; endpoint: string }
  | { kind: "mirror"; baseUrl: string; filePattern: string };

const REPO_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REV_RE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** Parses the setting; empty means the default. Throws InvalidOptionsError with the fix. */
export function parseModelSource(raw: string, endpoint = HF_ENDPOINT): ModelSource {
  const s = raw.trim() || DEFAULT_MODEL_SOURCE;
  if (s.startsWith("hf:")) {
    let rest = s.slice(3);
    let filePattern = DEFAULT_FILE_PATTERN;
    const colon = rest.indexOf(":");
    if (colon >= 0) {
      filePattern = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
    const [repo, revision = "main"] = rest.split("@", 2);
    if (!REPO_RE.test(repo) || !REV_RE.test(revision) || revision.includes("..")) {
      throw new InvalidOptionsError(
        `mixtral.modelSource: "${raw}" is not hf:<user>/<repo>[@<revision>].`,
        "Example: hf:mradermacher/Mixtral-8x7B-Instruct-v0.1-GGUF@main",
      );
    }
    checkPattern(filePattern, raw);
    return { kind: "hub", repo, revision, filePattern, endpoint: endpoint.replace(/\/+$/, "") };
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new InvalidOptionsError(`mixtral.modelSource: "${raw}" is neither hf:<user>/<repo> nor a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new InvalidOptionsError(`mixtral.modelSource: only http(s) mirrors are supported, not ${url.protocol}`);
  }
  const href = url.href;
  if (href.includes("{QUANT}") || href.includes("%7BQUANT%7D")) {
    const decoded = href.replace("%7BQUANT%7D", "{QUANT}");
    const cut = decoded.lastIndexOf("/") + 1;
    return { kind: "mirror", baseUrl: decoded.slice(0, cut), filePattern: decoded.slice(cut) };
  }
  return { kind: "mirror", baseUrl: href.endsWith("/") ? href : `${href}/`, filePattern: DEFAULT_FILE_PATTERN };
}

function checkPattern(p: string, raw: string): void {
  if (!p.includes("{QUANT}") || p.includes("/") || p.includes("\\") || p.includes("..")) {
    throw new InvalidOptionsError(`mixtral.modelSource: the file pattern in "${raw}" must be a plain file name containing {QUANT}.`);
  }
}

export function fileNameFor(source: ModelSource, level: QuantLevelId): string {
  return source.filePattern.replace("{QUANT}", level);
}

/** The URL to GET for a level. Hub files resolve through /resolve/<revision>/, which answers with
 *  a redirect to the LFS CDN carrying X-Linked-Size and X-Linked-Etag (the sha256). */
export function resolveFileUrl(source: ModelSource, level: QuantLevelId): string {
  const name = encodeURIComponent(fileNameFor(source, level));
  if (source.kind === "mirror") return source.baseUrl + name;
  const rev = source.revision.split("/").map(encodeURIComponent).join("%2F");
  return `${source.endpoint}/${source.repo}/resolve/${rev}/${name}`;
}

/** For messages: "mradermacher/Mixtral-8x7B-Instruct-v0.1-GGUF@main" or the mirror URL. */
export function describeSource(source: ModelSource): string {
  return source.kind === "hub" ? `${source.repo}@${source.revision}` : source.baseUrl;
}

/** The page where a gated model's licence is accepted (for the 401/403 message). */
export function licencePageUrl(source: ModelSource): string | undefined {
  return source.kind === "hub" ? `${source.endpoint}/${source.repo}` : undefined;
}
