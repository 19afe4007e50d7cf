/**
 * The connection cap (MAX_CONNECTIONS). Every open connection holds a file descriptor; without a
 * cap, twenty thousand idle ones exhaust them and the service fails everything that opens a file.
 *
 * Refusing new connections at the cap (`server.maxConnections`) would also refuse the health
 * probes for as long as the flood holds. Instead, a connection over the cap evicts the
 * connection that has been idle longest — one with no request in progress: never sent one yet,
 * or between two keep-alive requests — and is refused only when every other connection is busy.
 * A client whose idle keep-alive connection is closed simply opens another; nothing in flight is
 * ever cut. Idle connections also expire by themselves (HEADERS_TIMEOUT_MS, the keep-alive timeout).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionGuard {
  /** Connections open now (at most the cap, but for ones being closed). */
  readonly open: () => number;
  /** Connections closed to make room, since start. */
  readonly shed: () => number;
}

export function guardConnections(server: Server, maxConnections: number): ConnectionGuard {
  const live = new Set<Socket>();
  /** Connections with no request in progress; insertion order is idle-since order (oldest first). */
  const idle = new Set<Socket>();
  const inProgress = new Map<Socket, number>();
  let shed = 0;

  server.on('connection', (socket: Socket) => {
    live.add(socket);
    idle.add(socket);
    socket.once('close', () => {
      live.delete(socket);
      idle.delete(socket);
      inProgress.delete(socket);
    });
    if (live.size <= maxConnections) return;
    // The oldest idle one; the newcomer itself when all the others are busy.
    const victim = idle.values().next().value as Socket;
    live.delete(victim);
    idle.delete(victim);
    shed += 1;
    victim.destroy();
  });

  server.on('request', (request, response) => {
    const socket = request.socket;
    idle.delete(socket);
    inProgress.set(socket, (inProgress.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (inProgress.get(socket) ?? 1) - 1;
      if (left > 0) return void inProgress.set(socket, left);
      inProgress.delete(socket);
      // Back to the end of the idle order: the least recently used go first.
      if (live.has(socket) && !socket.destroyed) idle.add(socket);
    });
  });

  return { open: () => live.size, shed: () => shed };
}
