declare module 'dynalite' {
  import type { Server } from 'node:http';
  /** dynalite's DynamoDB server (in memory without `path`). */
  export default function dynalite(options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }): Server;
}
