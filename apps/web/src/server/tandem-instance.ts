import type { Tandem } from "@tandem/runner";

/**
 * The running Tandem services, shared between server.ts (which composes them) and the route handlers
 * Next bundles separately. A global symbol is the one channel both module graphs see; only types are
 * imported here, so Next never bundles the database or queue code.
 */
const key = Symbol.for("tandem.instance");

type TandemGlobal = typeof globalThis & { [key]?: Promise<Tandem> };

export function publishTandem(instance: Promise<Tandem>): void {
  (globalThis as TandemGlobal)[key] = instance;
}

export function getTandem(): Promise<Tandem> {
  const instance = (globalThis as TandemGlobal)[key];
  if (!instance) {
    throw new Error("Tandem's services are not running in this process: start the web app with `npm start` (apps/web/server.ts).");
  }
  return instance;
}
