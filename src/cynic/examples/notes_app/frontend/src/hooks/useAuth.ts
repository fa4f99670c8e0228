import { useCallback, useEffect, useState } from "react";

import { API_URL, api, type User } from "../api/client";

export const isLoggedIn = (): boolean => localStorage.getItem("access_token") !== null;

export default function useAuth() {
  const [user, setUser] = useState<User | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (isLoggedIn()) {
      api
        .get<User>("/users/me")
        .then((res) => setUser(res.data))
        .catch(() => setUser(null));
    }
  }, []);

  const login = useCallback(async (email: string, password: string, rememberMe = false) => {
    const form = new URLSearchParams();
    form.append("username", email);
    form.append("password", password);
    form.append("remember_me", String(rememberMe));

    const response = await fetch(`${API_URL}/login/access-token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
    if (!response.ok) {
      setError("Incorrect email or password");
      return;
    }
    const data = await response.json();
    localStorage.setItem("access_token", data.access_token);
    setError(null);

    const me = await api.get<User>("/users/me");
    setUser(me.data);
  }, []);

  const logout = useCallback(() => {
    localStorage.removeItem("access_token");
    setUser(null);
  }, []);

  return { user, error, login, logout };
}
