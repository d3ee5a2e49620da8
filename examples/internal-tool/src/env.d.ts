/**
 * What the page reads from Vite at build time: the token it sends to Relata
 * (the dev launcher passes a narrow-role API key; see README.md).
 */
/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The bearer token the page sends with each request. */
  readonly VITE_RELATA_TOKEN?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
