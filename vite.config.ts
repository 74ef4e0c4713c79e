import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { VitePWA } from 'vite-plugin-pwa'

// The PWA lives in web/; the relay serves the built dist/ folder.
export default defineConfig({
  root: 'web',
  publicDir: 'public',
  plugins: [
    svelte(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: null,
      manifest: {
        name: 'Otedama — P2P mining pool',
        short_name: 'Otedama',
        description: 'Mine in your browser as a full peer of a trustless P2P pool.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#161b22',
        theme_color: '#161b22',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
        ]
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/metrics/],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024
      }
    })
  ],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // Never inline a .wasm kernel as a data: URL: it must be a real, precached file.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined)
  },
  worker: { format: 'es' }
})
