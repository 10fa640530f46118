// The answer being streamed, rendered incrementally: the part up to the last stable block boundary
// is rendered once and kept (frozen), only the rest is rendered again on each frame.
import type { Turn } from "../src/shared/protocol";
import { renderMarkdown, stableBoundary } from "./markdown";
import { decorate } from "./turnDecorations";

export class StreamedAnswer {
  /** A copy: chunks are appended to its content. */
  readonly turn: Turn;
  private readonly frozen = document.createElement("div");
  private readonly live = document.createElement("div");
  private frozenLen = 0;

  constructor(
    turn: Turn,
    private readonly body: HTMLElement,
  ) {
    this.turn = { ...turn };
    body.append(this.frozen, this.live);
    body.classList.add("streaming");
  }

  /** Renders the text so far. */
  render(): void {
    const text = this.turn.content;
    // The frozen prefix always ends outside a code fence, so scanning can start there.
    const boundary = this.frozenLen + stableBoundary(text.slice(this.frozenLen));
    if (boundary > this.frozenLen) {
      const part = document.createElement("div");
      part.className = "md-part";
      part.append(decorate(renderMarkdown(text.slice(this.frozenLen, boundary))));
      this.frozen.append(part);
      this.frozenLen = boundary;
    }
    this.live.replaceChildren(decorate(renderMarkdown(text.slice(this.frozenLen))));
    this.body.classList.toggle("waiting", text === "");
  }
}
