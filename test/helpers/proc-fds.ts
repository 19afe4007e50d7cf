/**
 * What a process holds open, read from `/proc/<pid>/fd` (Linux): how many descriptors, and the
 * targets they point at (a file deleted while open reads `<path> (deleted)`).
 */
import { readdir, readlink } from 'node:fs/promises';

/** The targets of every open descriptor of `pid` (`socket:[…]`, `pipe:[…]`, paths). */
export async function openTargets(pid: number): Promise<string[]> {
  const dir = `/proc/${pid}/fd`;
  const names = await readdir(dir);
  const targets = await Promise.all(names.map((name) => readlink(`${dir}/${name}`).catch(() => null)));
  return targets.filter((target): target is string => target !== null);
}

export async function openFdCount(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

/** Polls until `predicate` holds or `timeoutMs` passes; returns the last value either way. */
export async function pollUntil<T>(read: () => Promise<T>, predicate: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!predicate(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
