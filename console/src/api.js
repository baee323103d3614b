// The public API, as the console uses it: same origin, the seed 000 envelopes unwrapped, errors thrown as
// ApiError with the envelope's code (the screens show `code: message`, never a raw response).
import { session } from "./session.js";

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code || "HTTP_" + status;
    this.details = error?.details || {};
  }
}

// An expired access token is renewed once with the refresh token (API.md: the old one stops working, so
// concurrent calls share one refresh), and the call is retried; any other 401 ends the session.
let refreshing = null;
function refreshed() {
  refreshing ??= fetch("/api/v1/auth/refresh", {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
  })
    .then(async (response) => {
      const payload = await response.json().catch(() => null);
      if (!response.ok || !payload?.data?.accessToken) return false;
      session.start(payload.data);
      return true;
    })
    .catch(() => false)
    .finally(() => (refreshing = null));
  return refreshing;
}

async function call(method, path, body, { raw = false, retried = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (session.accessToken) headers.Authorization = `Bearer ${session.accessToken}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  const payload = text ? JSON.parse(text) : null;
  if (!response.ok || (payload && payload.success === false)) {
    const code = payload?.error?.code;
    if (response.status === 401 && code === "TOKEN_EXPIRED" && session.refreshToken && !retried) {
      if (await refreshed()) return call(method, path, body, { raw, retried: true });
    }
    if (response.status === 401 && code !== "MFA_REQUIRED" && session.accessToken) {
      session.expired();
    }
    throw new ApiError(response.status, payload?.error);
  }
  return raw ? payload : payload?.data;
}

export const api = {
  get: (path) => call("GET", path),
  page: (path) => call("GET", path, undefined, { raw: true }),
  post: (path, body) => call("POST", path, body ?? {}),
  put: (path, body) => call("PUT", path, body ?? {}),
  patch: (path, body) => call("PATCH", path, body ?? {}),
  del: (path) => call("DELETE", path),
};

// Query strings from an object, skipping empty values.
export function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}
