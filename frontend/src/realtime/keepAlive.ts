/** Sends {"type":"ping"} every `intervalMs` while the socket is open; returns the stopper. */
export function startKeepAlive(socket: WebSocket, intervalMs = 30_000): () => void {
  const timer = setInterval(() => {
    if (socket.readyState === 1) socket.send(JSON.stringify({ type: "ping" }));
  }, intervalMs);
  return () => clearInterval(timer);
}
