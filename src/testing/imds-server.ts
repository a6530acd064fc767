/**
 * The metadata service on host loopback for one boot test: QEMU's user-mode network forwards the
 * guest's connections to 169.254.169.254:80 to this port (see boot-domain.ts). Closed through the
 * test's cleanup stack.
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { KilnError } from '../core/errors.js';
import type { Emit } from '../core/events.js';
import { serveStream } from './http-stream.js';
import type { MetadataService } from './imds.js';

export interface MetadataServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetadataServer(service: MetadataService, emit: Emit): Promise<MetadataServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveStream(
      socket,
      (req) => {
        const res = service.handle(req);
        emit({ type: 'message', level: 'debug', text: `metadata service: ${req.method} ${req.path} → ${res.status}` });
        return res;
      },
      (error) => emit({ type: 'message', level: 'warn', code: 'IMDS_BAD_REQUEST', text: `metadata service: ${error.message}` }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new KilnError('IMDS_FAILED', 'cannot start the emulated metadata service on 127.0.0.1', { cause: error, fault: 'external' })));
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
