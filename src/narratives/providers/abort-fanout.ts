/**
 * One 'abort' listener per signal, however many callers wait on it. A run's signal is shared by
 * every narrative call and semaphore waiter of the run; a listener each would cost O(listeners)
 * per add in Node's EventTarget (it walks its list to skip duplicates), O(n²) per run (issue #14).
 * Here a signal gets one listener that calls the subscribed handlers; subscribing and leaving are
 * Set operations, and the listener is removed when the last handler leaves.
 */

type Handler = () => void;

interface Group {
  readonly handlers: Set<Handler>;
  readonly listener: () => void;
}

const groups = new WeakMap<AbortSignal, Group>();

/**
 * Calls `handler` once when `signal` aborts, unless the returned function was called first.
 * An already aborted signal is the caller's to check (the handler would never run).
 */
export function onAbort(signal: AbortSignal, handler: Handler): () => void {
  let group = groups.get(signal);
  if (group === undefined) {
    const handlers = new Set<Handler>();
    const listener = () => {
      groups.delete(signal);
      const pending = [...handlers];
      handlers.clear();
      for (const each of pending) each();
    };
    group = { handlers, listener };
    groups.set(signal, group);
    signal.addEventListener('abort', listener, { once: true });
  }
  const mine = group;
  mine.handlers.add(handler);
  return () => {
    if (!mine.handlers.delete(handler) || mine.handlers.size > 0 || groups.get(signal) !== mine) return;
    // Last one out: the signal keeps no listener (a run's signal outlives its narratives).
    groups.delete(signal);
    signal.removeEventListener('abort', mine.listener);
  };
}
