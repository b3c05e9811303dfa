import { useMemo, useRef } from "react";
import type { LogBuffer } from "../lib/logBuffer";

interface ScanState {
  query: string;
  buffer: LogBuffer | null;
  scanned: number;
  matches: number[];
}

/**
 * Line indexes matching `query`. New lines are scanned incrementally, so a growing
 * 200,000-line log is not searched from the start on every update.
 */
export function useLogMatches(buffer: LogBuffer, version: number, query: string): number[] {
  const scan = useRef<ScanState>({ query: "", buffer: null, scanned: 0, matches: [] });
  return useMemo(() => {
    const state = scan.current;
    const total = buffer.completeLength;
    if (state.query !== query || state.buffer !== buffer || total < state.scanned) {
      scan.current = { query, buffer, scanned: 0, matches: [] };
    }
    const current = scan.current;
    if (query && total > current.scanned) {
      const found = buffer.findFrom(query, current.scanned);
      current.matches = found.length ? current.matches.concat(found) : current.matches;
      current.scanned = total;
    }
    return current.matches;
    // version: the buffer mutates in place, version says when
  }, [buffer, version, query]);
}
