import net from "node:net";

/** A bare Postgres wire-protocol client: sends exactly the messages a test writes, when it writes them. */
export interface WireClient {
  send(...messages: Buffer[]): void;
  /** Resolves with every backend message type seen until ReadyForQuery ('Z'), and any error text. */
  untilReady(): Promise<{ types: string[]; errors: string[] }>;
  close(): void;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "ascii");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (text: string) => Buffer.from(`${text}\0`, "utf8");
const int16 = (value: number) => {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
};
const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};

/** Parse into the unnamed statement. */
export const parse = (sql: string) => message("P", Buffer.concat([cstring(""), cstring(sql), int16(0)]));
/** Bind text parameters to the unnamed statement and portal. */
export const bind = (values: string[]) =>
  message("B", Buffer.concat([cstring(""), cstring(""), int16(0), int16(values.length), ...values.flatMap((value) => [int32(Buffer.byteLength(value)), Buffer.from(value)]), int16(0)]));
export const execute = () => message("E", Buffer.concat([cstring(""), int32(0)]));
export const sync = () => message("S", Buffer.alloc(0));

export async function connectWire(port: number): Promise<WireClient> {
  const socket = net.connect({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let buffer = Buffer.alloc(0);
  let waiting: { resolve: (value: { types: string[]; errors: string[] }) => void; types: string[]; errors: string[] } | null = null;
  const pending: Array<{ types: string[]; errors: string[] }> = [];
  let current = { types: [] as string[], errors: [] as string[] };
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 5) {
      const length = buffer.readInt32BE(1);
      if (buffer.length < length + 1) break;
      const type = String.fromCharCode(buffer[0] ?? 0);
      const body = buffer.subarray(5, length + 1);
      buffer = buffer.subarray(length + 1);
      current.types.push(type);
      if (type === "E") current.errors.push(body.toString("utf8").split("\0").find((field) => field.startsWith("M"))?.slice(1) ?? "error");
      if (type === "Z") {
        if (waiting) {
          waiting.resolve(current);
          waiting = null;
        } else pending.push(current);
        current = { types: [], errors: [] };
      }
    }
  });
  const client: WireClient = {
    send: (...messages) => socket.write(Buffer.concat(messages)),
    untilReady: () =>
      new Promise((resolve) => {
        const ready = pending.shift();
        if (ready) resolve(ready);
        else waiting = { resolve, types: [], errors: [] };
      }),
    close: () => socket.destroy(),
  };
  // Startup (protocol 3.0); embedded Postgres trusts loopback.
  const startup = Buffer.concat([int32(196_608), cstring("user"), cstring("postgres"), cstring("database"), cstring("postgres"), Buffer.from([0])]);
  socket.write(Buffer.concat([int32(startup.length + 4), startup]));
  await client.untilReady();
  return client;
}
