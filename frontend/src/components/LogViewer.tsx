// A virtualized, dark log viewer: only the rows in view (plus a little overscan) are in
// the DOM, so 200,000+ lines stay smooth. It follows the tail until the user scrolls
// up, offers "jump to bottom", and searches with highlighted, jumpable matches.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { useLogMatches } from "../hooks/useLogMatches";
import type { LogBuffer } from "../lib/logBuffer";
import { highlightText } from "./highlightText";
import { LogSearch } from "./LogSearch";

export const LOG_ROW_HEIGHT = 18;
const BOTTOM_SLACK = LOG_ROW_HEIGHT * 2;

interface Props {
  buffer: LogBuffer;
  /** Bumped whenever the buffer changed (it is mutated in place). */
  version: number;
  /** Extra toolbar content, e.g. the download link. */
  actions?: ReactNode;
  emptyText?: string;
}

export function LogViewer({ buffer, version, actions, emptyText = "No output yet." }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState("");
  const deferredQuery = useDeferredValue(query);
  const [activeMatch, setActiveMatch] = useState(0);
  const count = buffer.length;
  const matches = useLogMatches(buffer, version, deferredQuery);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LOG_ROW_HEIGHT,
    overscan: 20,
  });

  // Follow the tail: after each render with new lines, pin the view to the bottom.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (follow && element && count > 0) element.scrollTop = element.scrollHeight;
  }, [follow, count, version]);

  // Only a move up (the user's doing: our own scrolls go down) stops following;
  // reaching the bottom again resumes it.
  const lastTop = useRef(0);
  const onScroll = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const top = element.scrollTop;
    if (element.scrollHeight - top - element.clientHeight <= BOTTOM_SLACK) setFollow(true);
    else if (top < lastTop.current) setFollow(false);
    lastTop.current = top;
  }, []);

  const scrollToLine = useCallback((line: number) => {
    const element = scrollRef.current;
    if (!element) return;
    setFollow(false);
    element.scrollTop = Math.max(0, line * LOG_ROW_HEIGHT - element.clientHeight / 2);
  }, []);

  const step = useCallback(
    (delta: 1 | -1) => {
      if (matches.length === 0) return;
      const next = (activeMatch + delta + matches.length) % matches.length;
      setActiveMatch(next);
      scrollToLine(matches[next] ?? 0);
    },
    [activeMatch, matches, scrollToLine],
  );

  useEffect(() => setActiveMatch(0), [deferredQuery]);
  const activeLine = matches.length > 0 ? matches[Math.min(activeMatch, matches.length - 1)] : undefined;

  return (
    <section className="log-panel">
      <div className="log-toolbar">
        <LogSearch query={query} onQuery={setQuery} matchCount={matches.length} active={activeMatch} onStep={step} />
        <span className="muted log-count">{count.toLocaleString()} lines</span>
        {actions}
      </div>
      <div className="log-frame">
        <div className="log-scroll" ref={scrollRef} onScroll={onScroll} data-testid="log-viewer" data-following={follow}>
          {count === 0 && <div className="log-empty">{emptyText}</div>}
          <div className="log-inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => (
              <div
                key={item.index}
                className={item.index === activeLine ? "log-line log-line-active" : "log-line"}
                data-testid="log-line"
                data-index={item.index}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <span className="log-no">{item.index + 1}</span>
                <span className="log-text">{highlightText(buffer.line(item.index), deferredQuery)}</span>
              </div>
            ))}
          </div>
        </div>
        {!follow && count > 0 && (
          <button type="button" className="jump-bottom" data-testid="jump-to-bottom" onClick={() => setFollow(true)}>
            ↓ Jump to bottom
          </button>
        )}
      </div>
    </section>
  );
}
