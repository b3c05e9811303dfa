import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { listConnections } from "../api/admin";
import type { AdminConnection } from "../api/types";
import { errorMessage, formatDate } from "../lib/format";

const REFRESH_MS = 5000;

export function AdminPage() {
  const [connections, setConnections] = useState<AdminConnection[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updated, setUpdated] = useState<Date | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      listConnections()
        .then((body) => {
          if (cancelled) return;
          setConnections(body.connections);
          setError(null);
          setUpdated(new Date());
        })
        .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <div>
      <header className="page-header">
        <h1>Live connections</h1>
        <span className="muted">{updated ? `updated ${updated.toLocaleTimeString()} · every 5 s` : ""}</span>
      </header>
      {error && <p className="error" role="alert">{error}</p>}
      {connections && connections.length === 0 && <p className="muted">No open WebSocket connections.</p>}
      {connections && connections.length > 0 && (
        <table className="table" data-testid="connections-table">
          <thead>
            <tr>
              <th>Process</th>
              <th>User</th>
              <th>Job</th>
              <th>Connected</th>
              <th>Frames sent</th>
              <th>Queue</th>
              <th>Last seq</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={`${c.process}-${c.connection_id ?? `${c.job_id}-${c.user_id}-${c.connected_at}`}`}>
                <td className="mono">{c.process}</td>
                <td>{c.username ?? `user #${c.user_id}`}</td>
                <td>
                  <Link to={`/jobs/${c.job_id}`}>#{c.job_id}</Link>
                </td>
                <td>{formatDate(c.connected_at)}</td>
                <td>{c.frames_sent}</td>
                <td>{c.queue_depth}</td>
                <td>{c.last_seq_sent}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
