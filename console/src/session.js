// Who is signed in. Tokens live in sessionStorage: closing the tab signs out, and nothing outlives it.
import { reactive } from "vue";

const KEY = "stratus.console.session";

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || {};
  } catch {
    return {};
  }
}

export const session = reactive({
  ...{ accessToken: null, refreshToken: null, user: null, notice: "" },
  ...load(),
  get signedIn() {
    return Boolean(this.accessToken && this.user);
  },
  get platformAdmin() {
    return this.user?.tenantId === "platform" && this.can("tenant.admin");
  },
  can(permission) {
    const held = this.user?.permissions || [];
    return held.includes("*") || held.includes(permission);
  },
  start(login) {
    this.accessToken = login.accessToken;
    this.refreshToken = login.refreshToken;
    this.user = login.user;
    this.notice = "";
    this.save();
  },
  end(notice = "") {
    this.accessToken = null;
    this.refreshToken = null;
    this.user = null;
    this.notice = notice;
    sessionStorage.removeItem(KEY);
  },
  expired() {
    this.end("Your session ended. Sign in again.");
  },
  save() {
    const { accessToken, refreshToken, user } = this;
    sessionStorage.setItem(KEY, JSON.stringify({ accessToken, refreshToken, user }));
  },
});
