import { useCallback, useEffect, useRef, useState } from "react";
import { LogBuffer } from "../lib/logBuffer";

const FLUSH_MS = 50;

/**
 * A LogBuffer plus a `version` that changes at most every 50 ms while text streams in,
 * so thousands of log events cause a handful of renders, not thousands.
 */
export function useLogBuffer() {
  const bufferRef = useRef<LogBuffer>(new LogBuffer());
  const [version, setVersion] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    timer.current = null;
    setVersion((v) => v + 1);
  }, []);

  const append = useCallback(
    (text: string) => {
      bufferRef.current.append(text);
      if (timer.current === null) timer.current = setTimeout(flush, FLUSH_MS);
    },
    [flush],
  );

  const reset = useCallback(() => {
    bufferRef.current.reset();
    setVersion((v) => v + 1);
  }, []);

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  return { buffer: bufferRef.current, version, append, reset };
}
