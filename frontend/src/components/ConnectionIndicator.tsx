import type { StreamMode } from "../realtime/jobStream";

interface Props {
  isConnected: boolean;
  mode: StreamMode;
  connectionError: string | null;
}

export function ConnectionIndicator({ isConnected, mode, connectionError }: Props) {
  return (
    <div className="connection">
      {isConnected && (
        <span className="live" data-testid="live-indicator" title="Receiving live updates">
          ● Live
        </span>
      )}
      {!isConnected && mode === "polling" && (
        <span className="polling" data-testid="polling-indicator" title="The live connection is down; checking every 2 s">
          ↻ Polling
        </span>
      )}
      {connectionError && (
        <span className="connection-error" data-testid="connection-error" role="alert">
          {connectionError}
        </span>
      )}
    </div>
  );
}
