// Builds the talk page into dist/ with FIXED file names (no hashes), so the Django
// template can use {% static 'talk.js' %}; settings.py serves dist/ as static files.
import { defineConfig } from "vite";

export default defineConfig({
  // Relative base: the lazy VRM chunk is imported relative to talk.js, wherever
  // STATIC_URL puts it.
  base: "./",
  publicDir: "public", // audio-worklet.js is copied verbatim (addModule needs a plain URL)
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: false,
    sourcemap: false,
    chunkSizeWarningLimit: 1000, // three.js in the lazy VRM chunk
    rollupOptions: {
      input: { talk: "src/talk.js" },
      output: {
        entryFileNames: "[name].js",
        chunkFileNames: "chunks/[name].js",
        assetFileNames: "[name][extname]",
      },
    },
  },
});
