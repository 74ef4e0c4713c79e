// Svelte 5 with TypeScript in <script lang="ts"> needs no preprocessor; runes everywhere.
export default {
  compilerOptions: { runes: true }
}
