// The site: the playground at `/` (one React island that runs the SDK in the browser) and the
// documentation under `/docs/` (Starlight: navigation, Pagefind search, the API reference that
// starlight-typedoc generates from the package's TSDoc). Static files, no server.
import react from '@astrojs/react';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import starlightTypeDoc, { typeDocSidebarGroup } from 'starlight-typedoc';
import { serviceWorker } from './src/integrations/service-worker.mjs';

const pkg = '../packages/policygate-capital/';
// Registers the playground's offline service worker from the docs pages too (built site only: a
// dev server's modules must not be cached).
const production = process.argv.includes('build') || process.argv.includes('preview');

export default defineConfig({
  output: 'static',
  trailingSlash: 'ignore',
  integrations: [
    starlight({
      title: 'PolicyGate Capital',
      description: 'A deterministic pre-trade capital policy engine: ALLOW, DENY or MODIFY orders against a YAML policy.',
      favicon: '/favicon.svg',
      // Fixes to Starlight's own markup that the e2e axe scan asks for (see the file).
      customCss: ['./src/styles/docs.css'],
      // The playground, not a docs page, is the home page: the site title links to it.
      head: production ? [{ tag: 'script', content: "if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});" }] : [],
      plugins: [
        starlightTypeDoc({
          entryPoints: [`${pkg}src/index.ts`, `${pkg}src/audit/index.ts`, `${pkg}src/schemas.ts`, `${pkg}src/node/index.ts`, `${pkg}src/server/index.ts`, `${pkg}src/redis/index.ts`],
          tsconfig: `${pkg}tsconfig.json`,
          output: 'docs/api',
          sidebar: { label: 'API reference', collapsed: true },
          // One page per entry point (`index`: policygate-capital, `node`: policygate-capital/node).
          typeDoc: { excludeInternal: true, disableSources: true, outputFileStrategy: 'modules' },
        }),
      ],
      sidebar: [
        { label: 'Playground', link: '/' },
        {
          label: 'Guides',
          items: [
            { label: 'Getting started', slug: 'docs/getting-started' },
            { label: 'Playground: exposure, simulator, export', slug: 'docs/playground' },
            { label: 'Stateful gate', slug: 'docs/gate' },
            { label: 'Why this decision', slug: 'docs/explain' },
            { label: 'Audit trail and replay', slug: 'docs/audit' },
            { label: 'Command line', slug: 'docs/cli' },
            { label: 'HTTP service', slug: 'docs/serve' },
            { label: 'Shared state on Redis', slug: 'docs/redis' },
            { label: 'Runtimes and bundlers', slug: 'docs/runtimes' },
          ],
        },
        {
          label: 'Reference',
          items: [
            { label: 'Policy DSL', slug: 'docs/policy' },
            { label: 'Rules', slug: 'docs/rules' },
            { label: 'Evaluation semantics', slug: 'docs/semantics' },
            { label: 'Performance', slug: 'docs/performance' },
            { label: 'Security', slug: 'docs/security' },
          ],
        },
        typeDocSidebarGroup,
      ],
    }),
    react(),
    serviceWorker(),
  ],
  // The pages that came before the docs: their addresses still work.
  redirects: { '/rules': '/docs/rules/', '/code': '/docs/runtimes/' },
  // No telemetry, no remote fonts or images: the site must build and run without the network.
  devToolbar: { enabled: false },
  build: { inlineStylesheets: 'never' },
  // One island (CodeMirror + the SDK, ~190 kB gzipped) loaded once and then cached for offline use.
  vite: { build: { chunkSizeWarningLimit: 800 } },
});
