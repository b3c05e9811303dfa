import { apiJson } from "./client";
import type { LoginRequest, RegisterRequest, TokenResponse, User } from "./types";

export function register(body: RegisterRequest): Promise<User> {
  return apiJson<User>("/auth/register", { method: "POST", json: body, skipAuthRedirect: true });
}

export function login(body: LoginRequest): Promise<TokenResponse> {
  return apiJson<TokenResponse>("/auth/login", { method: "POST", json: body, skipAuthRedirect: true });
}

export function me(): Promise<User> {
  return apiJson<User>("/auth/me");
}
