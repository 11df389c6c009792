import net from "node:net";

/** The real services Tandem's tests use, where CI machines have them, and how to start each one. */
export const services = {
  redis: {
    url: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    start: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
  },
  postgres: {
    url: process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test",
    start: "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
  },
  mariadb: {
    url: process.env.TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306/test",
    start: "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
  },
} as const;

export type ServiceName = keyof typeof services;

function canConnect(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Whether a service the test needs is up. With CI=true a missing service is an error that says how to
 * start it (nothing is silently skipped in CI); locally the caller skips, with a warning.
 */
export async function requireService(name: ServiceName): Promise<boolean> {
  const service = services[name];
  const { hostname, port } = new URL(service.url);
  const host = hostname.replace(/^\[|\]$/g, "");
  if (await canConnect(host, Number(port))) return true;
  const message = `${name} is not reachable at ${service.url}. Start it with: ${service.start}`;
  if (process.env.CI === "true" || process.env.CI === "1") throw new Error(message);
  console.warn(`[skipped] ${message}`);
  return false;
}
