// An append-only list of log lines. Text arrives in pieces that may split a line; the
// unfinished tail is kept apart and shown as the last line until its newline arrives.

export class LogBuffer {
  private readonly complete: string[] = [];
  private partial = "";

  append(text: string): void {
    if (!text) return;
    const pieces = (this.partial + text).split("\n");
    this.partial = pieces.pop() ?? "";
    for (const piece of pieces) this.complete.push(piece.endsWith("\r") ? piece.slice(0, -1) : piece);
  }

  reset(): void {
    this.complete.length = 0;
    this.partial = "";
  }

  get length(): number {
    return this.complete.length + (this.partial ? 1 : 0);
  }

  line(index: number): string {
    if (index < this.complete.length) return this.complete[index] ?? "";
    return index === this.complete.length ? this.partial : "";
  }

  /** Index of every line, from `from` on, that contains `needle` (case-insensitive). */
  findFrom(needle: string, from: number): number[] {
    const matches: number[] = [];
    if (!needle) return matches;
    const lower = needle.toLowerCase();
    const end = this.complete.length;
    for (let i = from; i < end; i += 1) {
      if ((this.complete[i] ?? "").toLowerCase().includes(lower)) matches.push(i);
    }
    return matches;
  }

  /** Complete lines only (the partial tail can still grow, so search skips it). */
  get completeLength(): number {
    return this.complete.length;
  }
}
