// The syslog receiver behind `mailverdict listen`: UDP (one datagram = one message, RFC 5426), TCP (RFC 6587
// framing) and TLS (RFC 5425, octet counting; LF framing accepted too). Every frame goes to the LogEnqueuer as
// raw bytes with its sender's address. When the enqueuer is full, TCP/TLS sockets stop reading (the kernel's
// receive window then pushes back on the gateway) and resume when there is room; UDP datagrams that cannot be
// taken are counted in `udpDropped`.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { encodeLogLine } from '../queue/log-batch.js';
import { FrameDecoder, type Frame } from './frame-decoder.js';
import type { LogEnqueuer } from './log-enqueuer.js';

export interface ListenSettings {
  host: string;
  udpPort?: number | undefined;
  tcpPort?: number | undefined;
  tlsPort?: number | undefined;
  tls?: { certFile: string; keyFile: string; caFile?: string | undefined; requestCert?: boolean | undefined } | undefined;
  maxFrameBytes: number;
  /** Idle TCP/TLS connections are closed after this long. */
  idleTimeoutMs?: number | undefined;
}

export interface ListenCounters {
  frames: number;
  udpDropped: number;
  oversized: number;
  connections: number;
  pausedConnections: number;
}

export interface SyslogListener {
  readonly counters: ListenCounters;
  /** Bound ports (useful with port 0). */
  readonly ports: { udp?: number; tcp?: number; tls?: number };
  /** Stops accepting, closes connections; the enqueuer is the caller's to close. */
  close(): Promise<void>;
}

function frameLine(frame: Frame, peer: string | undefined): { raw: string; peer?: string; receivedAt: string } {
  return { raw: encodeLogLine(frame.bytes), ...(peer !== undefined ? { peer } : {}), receivedAt: new Date().toISOString() };
}

function peerAddress(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') ? address.slice(7) : address;
}

export async function startSyslogListener(settings: ListenSettings, enqueuer: LogEnqueuer): Promise<SyslogListener> {
  const counters: ListenCounters = { frames: 0, udpDropped: 0, oversized: 0, connections: 0, pausedConnections: 0 };
  const ports: { udp?: number; tcp?: number; tls?: number } = {};
  const sockets = new Set<Socket>();
  const paused = new Set<Socket>();
  const closers: (() => Promise<void>)[] = [];

  const handleStream = (socket: Socket): void => {
    const decoder = new FrameDecoder(settings.maxFrameBytes);
    const peer = peerAddress(socket.remoteAddress);
    sockets.add(socket);
    counters.connections = sockets.size;
    if (settings.idleTimeoutMs !== undefined) socket.setTimeout(settings.idleTimeoutMs, () => socket.destroy());
    // Frames already read but not yet taken (the enqueuer filled up mid-chunk): kept here, in order, while
    // the socket is paused, so nothing read from the connection is dropped.
    let backlog: Frame[] = [];
    let closed = false;
    let unsubscribe: () => void = () => undefined;
    const forget = (): void => {
      unsubscribe();
      sockets.delete(socket);
      paused.delete(socket);
      counters.connections = sockets.size;
      counters.pausedConnections = paused.size;
    };
    const drain = (): void => {
      while (backlog.length > 0) {
        const frame = backlog[0] as Frame;
        if (!enqueuer.offer(frameLine(frame, peer))) {
          if (!closed && !socket.isPaused()) socket.pause();
          paused.add(socket);
          counters.pausedConnections = paused.size;
          return;
        }
        backlog.shift();
        counters.frames++;
      }
      // A connection that closed with frames still waiting is forgotten only once they are all taken.
      if (closed) return forget();
      if (paused.has(socket)) {
        paused.delete(socket);
        counters.pausedConnections = paused.size;
      }
      if (socket.isPaused() && !socket.destroyed) socket.resume();
    };
    unsubscribe = enqueuer.onResume(() => drain());
    socket.on('data', (chunk: Buffer) => {
      const before = decoder.oversized;
      const frames = decoder.push(chunk);
      counters.oversized += decoder.oversized - before;
      if (frames.length === 0) return;
      backlog = backlog.length === 0 ? frames : backlog.concat(frames);
      drain();
    });
    socket.on('end', () => {
      backlog = backlog.concat(decoder.end());
      drain();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      if (backlog.length === 0) forget();
    });
  };

  const listen = (server: Server | TlsServer, port: number): Promise<number> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, settings.host, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
  const closeServer = (server: Server | TlsServer) => async (): Promise<void> => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  try {
    if (settings.tcpPort !== undefined) {
      const server = createServer({ pauseOnConnect: false }, handleStream);
      ports.tcp = await listen(server, settings.tcpPort);
      closers.push(closeServer(server));
    }
    if (settings.tlsPort !== undefined) {
      if (settings.tls === undefined) throw new Error('listen.tlsPort needs listen.tls.certFile and listen.tls.keyFile');
      const server = createTlsServer({
        cert: readFileSync(settings.tls.certFile),
        key: readFileSync(settings.tls.keyFile),
        ...(settings.tls.caFile !== undefined ? { ca: readFileSync(settings.tls.caFile) } : {}),
        requestCert: settings.tls.requestCert ?? false,
        rejectUnauthorized: settings.tls.requestCert ?? false,
      }, handleStream);
      server.on('tlsClientError', () => undefined);
      ports.tls = await listen(server, settings.tlsPort);
      closers.push(closeServer(server));
    }
    if (settings.udpPort !== undefined) {
      const udp: UdpSocket = createSocket({ type: settings.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      udp.on('message', (msg, rinfo) => {
        const frame = { bytes: msg.length > settings.maxFrameBytes ? msg.subarray(0, settings.maxFrameBytes) : msg, truncated: msg.length > settings.maxFrameBytes };
        if (frame.truncated) counters.oversized++;
        // Drop the trailing line break some senders add; one datagram is one message.
        let end = frame.bytes.length;
        while (end > 0 && (frame.bytes[end - 1] === 10 || frame.bytes[end - 1] === 13)) end--;
        if (enqueuer.offer(frameLine({ bytes: frame.bytes.subarray(0, end), truncated: frame.truncated }, rinfo.address))) counters.frames++;
        else counters.udpDropped++;
      });
      udp.on('error', () => undefined);
      ports.udp = await new Promise<number>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(settings.udpPort, settings.host, () => { udp.off('error', reject); resolve(udp.address().port); });
      });
      closers.push(async () => { await new Promise<void>((resolve) => udp.close(() => resolve())); });
    }
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }

  return {
    counters,
    ports,
    async close() {
      for (const socket of sockets) socket.end();
      const closing = closers.reverse().map((c) => c().catch(() => undefined));
      setTimeout(() => { for (const socket of sockets) socket.destroy(); }, 2000).unref();
      await Promise.all(closing);
    },
  };
}
