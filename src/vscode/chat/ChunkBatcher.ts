// The streamed answer's text goes to the view in fewer, larger messages (at 100 tok/s, one per
// token would be 100 messages a second): what arrives within CHUNK_FLUSH_MS is sent as one chunk.
import type { HostToWebview } from "../../shared/protocol";

/** How often streamed text is forwarded to the view. */
const CHUNK_FLUSH_MS = 30;

export class ChunkBatcher {
  private text = "";
  private turnId = "";
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly post: (m: HostToWebview) => void) {}

  add(turnId: string, text: string): void {
    if (this.turnId !== turnId) this.flush();
    this.turnId = turnId;
    this.text += text;
    this.timer ??= setTimeout(() => this.flush(), CHUNK_FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.text === "") return;
    this.post({ type: "chunk", requestId: this.turnId, text: this.text });
    this.text = "";
  }

  /** Forgets the text not sent yet: a transcript posted now already holds it. */
  drop(): void {
    this.text = "";
  }
}
