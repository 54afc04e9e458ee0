/**
 * A raw TCP client for loopback tests that must control the exact bytes sent
 * (pipelining, malformed requests, half-sent bodies). It resolves when the server closes
 * the connection, so tests wait for an event, never for a timer.
 */
import net from 'node:net';

/** Send `data` (all at once, or piece by piece) and collect everything until the server closes. */
export function exchange(port: number, data: string | Buffer | readonly (string | Buffer)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      for (const piece of Array.isArray(data) ? data : [data]) socket.write(piece);
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

/** Open a connection and hand back the socket plus a way to read until a marker appears. */
export function connect(port: number): Promise<{ socket: net.Socket; readUntil(marker: string): Promise<string>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffered = '';
    let waiting: { marker: string; resolve: (s: string) => void } | null = null;
    const check = () => {
      if (waiting !== null && buffered.includes(waiting.marker)) {
        const w = waiting;
        waiting = null;
        w.resolve(buffered);
      }
    };
    socket.on('data', (d: Buffer) => {
      buffered += d.toString('latin1');
      check();
    });
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => {});
    socket.on('connect', () => resolve({
      socket,
      closed,
      readUntil: (marker) => new Promise((r) => {
        waiting = { marker, resolve: r };
        check();
      }),
    }));
    socket.once('error', reject);
  });
}

/** Split a stream of HTTP responses into their status lines, in order. */
export function statusLines(text: string): string[] {
  return text.split('\r\n').filter((line) => /^HTTP\/1\.[01] \d{3}/.test(line));
}
