// React face of JobStream: it only holds React state. The socket, timers, backoff and
// polling live in ../realtime/jobStream.ts. Options sit in a ref, so passing new
// callback functions on each render never reconnects.
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { fetchEventsByJobId } from "../api/jobs";
import type { EventsPage, Id } from "../api/types";
import { getWsTicket, jobUpdatesUrl } from "../api/ws";
import { dispatchConnected, dispatchJobEvent, type JobEventCallbacks } from "../realtime/dispatch";
import { JobStream, type StreamMode, type StreamState } from "../realtime/jobStream";

export type { StreamMode } from "../realtime/jobStream";

export interface UseJobWebSocketOptions extends JobEventCallbacks {
  jobId: Id | null | undefined;
  /** false: no socket, no polling (e.g. the job is already finished). Default true. */
  enabled?: boolean;
  /** Injectable for tests; default POST /api/v1/ws/tickets. */
  getTicket?: (jobId: Id) => Promise<string>;
  /** Injectable for tests; default GET .../jobs/{id}/events?since=N. */
  fetchEvents?: (jobId: Id, since: number) => Promise<EventsPage>;
}

export interface UseJobWebSocketResult {
  isConnected: boolean;
  connectionError: string | null;
  /** Highest seq handled so far (updated at most every 250 ms while events flow). */
  lastSeq: number;
  mode: StreamMode;
}

const IDLE: StreamState = { isConnected: false, connectionError: null, mode: "idle", lastSeq: 0 };

export function useJobWebSocket(options: UseJobWebSocketOptions): UseJobWebSocketResult {
  const optionsRef = useRef(options);
  useLayoutEffect(() => {
    optionsRef.current = options;
  });
  const [state, setState] = useState<StreamState>(IDLE);
  const { jobId, enabled = true } = options;

  useEffect(() => {
    if (!enabled || jobId === null || jobId === undefined) {
      setState(IDLE);
      return undefined;
    }
    const current = () => optionsRef.current;
    const stream = new JobStream(
      jobId,
      {
        onEvent: (event) => dispatchJobEvent(event, current()),
        onConnected: (data, first) => {
          if (first) dispatchConnected(data, current());
        },
        onState: setState,
      },
      {
        getTicket: (id) => (current().getTicket ?? getWsTicket)(id),
        fetchEvents: (id, since) => (current().fetchEvents ?? fetchEventsByJobId)(id, since),
        socketUrl: (id, since, ticket) => jobUpdatesUrl(id, since, ticket),
      },
    );
    setState(stream.snapshot);
    stream.start();
    return () => stream.stop();
  }, [jobId, enabled]);

  return state;
}
