import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { login } from "../src/api/auth";
import { ApiError, setUnauthorizedHandler } from "../src/api/client";
import { renameFile, UPLOAD_BATCH_BYTES, uploadFiles } from "../src/api/files";
import { fetchFullLog } from "../src/api/jobs";
import { listProjects } from "../src/api/projects";
import { getToken, setToken } from "../src/auth/tokenStore";
import { installFakeApi } from "./fakeApi";

beforeEach(() => setToken("jwt-1"));
afterEach(() => {
  setToken(null);
  setUnauthorizedHandler(null);
  vi.unstubAllGlobals();
});

describe("api client", () => {
  it("sends the Bearer token and keeps it in sessionStorage", async () => {
    const { fetchMock } = installFakeApi({ "GET /api/v1/projects": () => ({ json: [] }) });
    await listProjects();
    const init = fetchMock.mock.calls[0]?.[1] as RequestInit;
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer jwt-1");
    expect(sessionStorage.getItem("a6hub.access_token")).toBe("jwt-1");
  });

  it("surfaces the server's detail and code", async () => {
    installFakeApi({ "GET /api/v1/projects": () => ({ status: 409, json: { detail: "name taken", code: "conflict" } }) });
    const error = await listProjects().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe("name taken");
    expect((error as ApiError).code).toBe("conflict");
    expect((error as ApiError).status).toBe(409);
  });

  it("on 401 drops the token and calls the sign-in redirect, except for the login form", async () => {
    const redirect = vi.fn();
    setUnauthorizedHandler(redirect);
    installFakeApi({
      "GET /api/v1/projects": () => ({ status: 401, json: { detail: "expired", code: "unauthorized" } }),
      "POST /api/v1/auth/login": () => ({ status: 401, json: { detail: "bad credentials", code: "unauthorized" } }),
    });
    await expect(login({ username: "a", password: "b" })).rejects.toThrow("bad credentials");
    expect(redirect).not.toHaveBeenCalled();
    await expect(listProjects()).rejects.toThrow("expired");
    expect(redirect).toHaveBeenCalledTimes(1);
    expect(getToken()).toBeNull();
  });
});

describe("files api", () => {
  it("uploads several files in one multipart POST with field 'files' and the folder", async () => {
    let form: FormData | null = null;
    installFakeApi({
      "POST /api/v1/projects/3/files": (_url, init) => {
        form = init?.body as FormData;
        return { status: 201, json: [] };
      },
    });
    await uploadFiles(3, [new File(["a"], "a.v"), new File(["b"], "b.pcf")], "rtl");
    const sent = form as FormData | null;
    expect(sent?.getAll("files").map((f) => (f as File).name)).toEqual(["a.v", "b.pcf"]);
    expect(sent?.get("folder")).toBe("rtl");
  });

  it("sends a large upload as several requests, each under the hub's cap on a request body", async () => {
    const sizes: number[][] = [];
    installFakeApi({
      "POST /api/v1/projects/3/files": (_url, init) => {
        const files = (init?.body as FormData).getAll("files") as File[];
        sizes.push(files.map((f) => f.size));
        return { status: 201, json: files.map((f) => ({ path: f.name, size_bytes: f.size, content_hash: "x", updated_at: "" })) };
      },
    });
    const mib = 1024 * 1024;
    const files = [2, 2, 1.5, 0.5, 2, 1].map((n, i) => new File([new Uint8Array(n * mib)], `f${i}.v`));
    const saved = await uploadFiles(3, files);
    expect(sizes).toEqual([[2 * mib, 2 * mib], [1.5 * mib, 0.5 * mib, 2 * mib], [1 * mib]]);
    expect(sizes.every((batch) => batch.reduce((a, b) => a + b, 0) <= UPLOAD_BATCH_BYTES)).toBe(true);
    expect(saved.map((f) => f.path)).toEqual(["f0.v", "f1.v", "f2.v", "f3.v", "f4.v", "f5.v"]);
  });

  it("renames by GET old, PUT new, DELETE old", async () => {
    const { calls } = installFakeApi({
      "GET /api/v1/projects/3/files/rtl/old%20name.v": () => ({ text: "module m; endmodule\n" }),
      "PUT /api/v1/projects/3/files/rtl/new.v": () => ({ json: { path: "rtl/new.v", size_bytes: 20, content_hash: "x", updated_at: "" } }),
      "DELETE /api/v1/projects/3/files/rtl/old%20name.v": () => ({ status: 204 }),
    });
    await renameFile(3, "rtl/old name.v", "rtl/new.v");
    expect(calls.map((c) => c.split(" ")[0])).toEqual(["GET", "PUT", "DELETE"]);
  });
});

describe("logs api", () => {
  it("reads the whole log following X-Log-Offset while X-More-Data is true", async () => {
    installFakeApi({
      "GET /api/v1/projects/1/jobs/9/logs": (url) =>
        url.searchParams.get("offset") === "0"
          ? { text: "a\nb\n", headers: { "X-Log-Offset": "4", "X-More-Data": "true" } }
          : { text: "c\n", headers: { "X-Log-Offset": "6", "X-More-Data": "false" } },
    });
    expect(await fetchFullLog({ id: 9, project_id: 1 })).toBe("a\nb\nc\n");
  });
});
