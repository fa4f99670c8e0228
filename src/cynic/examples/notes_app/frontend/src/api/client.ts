import axios from "axios";

export const API_URL: string =
  import.meta.env.VITE_API_URL ?? "http://localhost:8000/api/v1";

export interface User {
  id: string;
  email: string;
  full_name: string | null;
  is_active: boolean;
  is_superuser: boolean;
  theme: string;
  language: string;
}

export interface Note {
  id: string;
  title: string;
  body: string;
  body_html: string;
  tags: string;
  owner_id: string;
  created_at: string;
}

export const api = axios.create({
  baseURL: API_URL,
  timeout: 10000,
});

api.interceptors.request.use((config) => {
  const token = localStorage.getItem("access_token");
  if (token) {
    config.headers.Authorization = `Bearer ${token}`;
  }
  return config;
});
