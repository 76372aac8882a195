// The playground: a static Astro site with one React island that runs the SDK in the browser.
import react from '@astrojs/react';
import { defineConfig } from 'astro/config';
import { serviceWorker } from './src/integrations/service-worker.mjs';

export default defineConfig({
  output: 'static',
  trailingSlash: 'ignore',
  integrations: [react(), serviceWorker()],
  // No telemetry, no remote fonts or images: the site must build and run without the network.
  devToolbar: { enabled: false },
  build: { inlineStylesheets: 'never' },
  // One island (CodeMirror + the SDK, ~190 kB gzipped) loaded once and then cached for offline use.
  vite: { build: { chunkSizeWarningLimit: 800 } },
});
