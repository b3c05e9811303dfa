// The one fetch wrapper: base path, Bearer header, JSON, and errors that carry the
// server's `detail`.
import { getToken, setToken } from "../auth/tokenStore";
import type { ApiErrorBody } from "./types";

export const API_BASE = "/api/v1";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, detail: string, code: string) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

let unauthorizedHandler: (() => void) | null = null;

/** Called (after the token is dropped) whenever an authenticated call gets a 401. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

export interface RequestOptions {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (FormData, Blob, string). */
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not treat a 401 as "session over" (the login form itself). */
  skipAuthRedirect?: boolean;
}

function describeStatus(status: number): string {
  if (status === 413) return "Too large";
  if (status === 404) return "Not found";
  if (status >= 500) return "The server had a problem";
  return `Request failed (${status})`;
}

async function toApiError(response: Response): Promise<ApiError> {
  let detail = describeStatus(response.status);
  let code = "http_" + response.status;
  try {
    const body = (await response.json()) as Partial<ApiErrorBody> | null;
    if (body && typeof body.detail === "string") detail = body.detail;
    else if (body && Array.isArray(body.detail)) detail = JSON.stringify(body.detail);
    if (body && typeof body.code === "string") code = body.code;
  } catch {
    // not JSON: keep the generic text
  }
  return new ApiError(response.status, detail, code);
}

/** Paths are relative to /api/v1 unless they already are absolute (artifact urls). */
export function resolveUrl(path: string): string {
  if (/^https?:\/\//.test(path) || path.startsWith(API_BASE + "/")) return path;
  return API_BASE + path;
}

/** Low level: returns the Response when it is 2xx, throws ApiError otherwise. */
export async function apiRequest(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  let response: Response;
  try {
    response = await fetch(resolveUrl(path), {
      method: options.method ?? "GET",
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "Cannot reach the server", "network");
  }
  if (response.ok) return response;
  const error = await toApiError(response);
  if (response.status === 401 && token && !options.skipAuthRedirect) {
    setToken(null);
    unauthorizedHandler?.();
  }
  throw error;
}

export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiRequest(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Encodes each segment of a project file path, keeping the slashes. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
