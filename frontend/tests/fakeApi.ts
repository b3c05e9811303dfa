// A tiny fetch router for page tests: exact "METHOD path" keys, JSON or text bodies.
import { vi } from "vitest";

type Reply = { status?: number; json?: unknown; text?: string; headers?: Record<string, string> };
type Handler = (url: URL, init: RequestInit | undefined) => Reply | Promise<Reply>;

export function installFakeApi(routes: Record<string, Handler>) {
  const calls: string[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost:3000");
    const key = `${init?.method ?? "GET"} ${url.pathname}`;
    calls.push(`${key}${url.search}`);
    const handler = routes[key];
    if (!handler) return new Response(JSON.stringify({ detail: `no route ${key}`, code: "not_found" }), { status: 404 });
    const reply = await handler(url, init);
    const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? "");
    const headers = { "Content-Type": reply.json !== undefined ? "application/json" : "text/plain", ...reply.headers };
    return new Response(reply.status === 204 ? null : body, { status: reply.status ?? 200, headers });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}
