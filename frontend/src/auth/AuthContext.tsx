import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import * as authApi from "../api/auth";
import type { User } from "../api/types";
import { getToken, onTokenChange, setToken } from "./tokenStore";

interface AuthValue {
  token: string | null;
  user: User | null;
  signIn(username: string, password: string): Promise<void>;
  signOut(): void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setTokenState] = useState<string | null>(getToken);
  const [user, setUser] = useState<User | null>(null);

  useEffect(() => onTokenChange(setTokenState), []);

  useEffect(() => {
    if (!token) {
      setUser(null);
      return;
    }
    let cancelled = false;
    authApi
      .me()
      .then((me) => !cancelled && setUser(me))
      .catch(() => undefined); // a 401 already signed us out
    return () => {
      cancelled = true;
    };
  }, [token]);

  const signIn = useCallback(async (username: string, password: string) => {
    const response = await authApi.login({ username, password });
    setToken(response.access_token);
  }, []);

  const signOut = useCallback(() => setToken(null), []);

  const value = useMemo(() => ({ token, user, signIn, signOut }), [token, user, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
