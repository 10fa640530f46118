// The transcript's scrolling: it sticks to the bottom while an answer streams unless the reader
// scrolled up to read, and keeps the reader's place when older turns are added above.
export class ScrollFollow {
  /** Stick to the bottom unless the user scrolled up to read. */
  private follow = true;
  /** Where the view last scrolled itself to. */
  private autoScrollTop = 0;
  /** The part of a place-keeping scroll that whole pixels could not express yet. */
  private debt = 0;

  constructor(private readonly scroller: HTMLElement) {
    scroller.addEventListener("scroll", () => {
      this.follow = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 40;
    });
  }

  /** A new transcript, shown from its end wherever the reader was. */
  startAtEnd(): void {
    this.debt = 0;
    this.follow = true;
    this.toBottom();
  }

  /** After new content at the end: follows it unless the reader scrolled away. */
  toEnd(): void {
    this.noteUserScroll();
    this.toBottom();
  }

  /** Adds content above `mark` (the oldest element shown so far) without moving what the reader
   *  sees: measured on `mark`, not from the bottom (scrollHeight is rounded, and the error would
   *  add up over many insertions). */
  keepPlace(mark: Element | null, insert: () => void): void {
    const s = this.scroller;
    this.noteUserScroll();
    const before = mark?.getBoundingClientRect().top ?? 0;
    insert();
    if (this.follow) return this.toBottom();
    if (!mark) return;
    // Chromium's scroll anchoring has usually kept the reader's place already, during the layout
    // the measurement forced; then scrollTop is left alone (a write fights the browser's anchor).
    // It does not anchor at scrollTop 0 (a reader at the very top): there the view is moved
    // here. scrollTop snaps to whole pixels: the remainder is carried so it does not add up.
    const shift = mark.getBoundingClientRect().top - before;
    if (Math.abs(shift) >= 1) {
      const want = s.scrollTop + shift + this.debt;
      s.scrollTop = want;
      this.debt = want - s.scrollTop;
    }
  }

  private toBottom(): void {
    if (!this.follow) return;
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.autoScrollTop = this.scroller.scrollTop;
  }

  /** A scroll the user made since our last one whose `scroll` event has not fired yet (it fires
   *  in the next frame's scroll steps; a render can come first): without this check the view
   *  would pull them back to the bottom. Above the bottom, not just clamped by a shorter tail. */
  private noteUserScroll(): void {
    const s = this.scroller;
    if (s.scrollTop < this.autoScrollTop - 2 && s.scrollTop + s.clientHeight < s.scrollHeight - 2) this.follow = false;
  }
}
