// The console is served under /console/ by `stratus dev` and by the deployments (S3 + CloudFront), so the
// build is relative to that base and lands in the Python package: `make dev` needs no Node at run time.
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";
import { fileURLToPath } from "node:url";

export default defineConfig({
  base: "/console/",
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL("../stratus/console_assets", import.meta.url)),
    emptyOutDir: true,
    // Stable names keep the committed build reviewable; the server sends no-cache for index.html.
    chunkSizeWarningLimit: 600,
  },
});
