// One route per screen. `platform: true` screens are for platform admins (tenant `platform`); the others
// need the permission named, so a member sees only what the API would let them do anyway.
import { createRouter, createWebHistory } from "vue-router";
import { session } from "./session.js";

export const screens = [
  { path: "/tenants", name: "Tenants", component: () => import("./views/Tenants.vue"), platform: true },
  { path: "/registry", name: "Apps registry", component: () => import("./views/Registry.vue"), platform: true },
  { path: "/jobs", name: "Jobs", component: () => import("./views/Jobs.vue"), platform: true },
  { path: "/queues", name: "Queues", component: () => import("./views/Queues.vue"), platform: true },
  { path: "/mail", name: "Sent mail", component: () => import("./views/Mail.vue"), platform: true },
  { path: "/users", name: "Users", component: () => import("./views/Users.vue"), permission: "user.read" },
  { path: "/roles", name: "Roles", component: () => import("./views/Roles.vue"), permission: "role.write" },
  { path: "/apps", name: "Apps", component: () => import("./views/TenantApps.vue"), permission: "tenant.write" },
  { path: "/api-keys", name: "API keys", component: () => import("./views/ApiKeys.vue"), permission: "apikey.manage" },
  { path: "/audit", name: "Audit", component: () => import("./views/Audit.vue"), permission: "audit.read" },
  { path: "/files", name: "Files", component: () => import("./views/Files.vue"), permission: "file.read" },
  { path: "/notifications", name: "Notifications", component: () => import("./views/Notifications.vue") },
  { path: "/metrics", name: "Metrics", component: () => import("./views/Metrics.vue"), permission: "metrics.read" },
];

export function visible(screen) {
  if (screen.platform) return session.platformAdmin;
  return !screen.permission || session.can(screen.permission);
}

export const router = createRouter({
  history: createWebHistory("/console/"),
  routes: [
    { path: "/", redirect: () => (session.platformAdmin ? "/tenants" : "/notifications") },
    { path: "/sign-in", name: "Sign in", component: () => import("./views/SignIn.vue") },
    ...screens.map(({ path, name, component }) => ({ path, name, component })),
  ],
});

router.beforeEach((to) => {
  if (to.path !== "/sign-in" && !session.signedIn) return { path: "/sign-in", query: { next: to.fullPath } };
  return true;
});
