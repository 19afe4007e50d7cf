import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSink, openFileTarget, openSpooledTarget, OutputError, streamTarget } from '../../../src/cli/output-sink.js';
import { makeTempDir } from '../../helpers/census.js';

let temp: { dir: string; remove: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir('cli-sink');
});
afterEach(async () => {
  await temp.remove();
});

const LINE = `${JSON.stringify({ id: 'a', index: 0, given_name: 'Ion, "Vania"' })}\n`;
const bytes = (text: string) => Buffer.from(text, 'utf8');

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return () => text;
}

describe('openFileTarget', () => {
  it('shows the file only after commit, then leaves no temp file', async () => {
    const path = join(temp.dir, 'out.ndjson');
    const target = await openFileTarget(path);
    await target.write(bytes('one\n'));
    expect(await readdir(temp.dir)).not.toContain('out.ndjson');
    await target.write(bytes('two\n'));
    await target.commit();
    expect(await readFile(path, 'utf8')).toBe('one\ntwo\n');
    expect(await readdir(temp.dir)).toEqual(['out.ndjson']);
  });

  it('leaves nothing behind on abort, and abort is safe to repeat', async () => {
    const target = await openFileTarget(join(temp.dir, 'out.ndjson'));
    await target.write(bytes('partial'));
    await target.abort();
    await target.abort();
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it('removes the temp file synchronously for a forced exit', async () => {
    const target = await openFileTarget(join(temp.dir, 'out.ndjson'));
    target.abortSync();
    expect(await readdir(temp.dir)).toEqual([]);
    await target.abort();
  });

  it('fails at open when the path is a folder', async () => {
    await expect(openFileTarget(temp.dir)).rejects.toThrow(`cannot write ${temp.dir}: it is a directory`);
  });

  it('fails at open, naming the path, when the folder does not exist', async () => {
    const path = join(temp.dir, 'missing', 'out.csv');
    await expect(openFileTarget(path)).rejects.toThrow(OutputError);
    await expect(openFileTarget(path)).rejects.toThrow(`cannot write ${path}: ENOENT`);
  });
});

describe('streamTarget', () => {
  it('waits for drain when the stream is full and keeps the order', async () => {
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString('utf8'));
        setImmediate(callback);
      },
    });
    const target = streamTarget(slow);
    for (const word of ['alpha', 'beta', 'gamma', 'delta']) await target.write(bytes(word));
    await target.commit();
    expect(received).toEqual(['alpha', 'beta', 'gamma', 'delta']);
  });

  it('turns a stream error (a reader gone) into an OutputError on the next write', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = formatSink('ndjson', streamTarget(broken));
    await expect(async () => {
      for (let i = 0; i < 3; i += 1) await sink.write(bytes(LINE));
    }).rejects.toThrow('cannot write stdout: write EPIPE');
    expect(sink.failure?.message).toBe('cannot write stdout: write EPIPE');
  });
});

describe('openSpooledTarget', () => {
  it('writes nothing to the stream until commit, then everything', async () => {
    const out = new PassThrough();
    const text = collect(out);
    const target = await openSpooledTarget(out, temp.dir);
    await target.write(bytes('held '));
    await target.write(bytes('back'));
    expect(text()).toBe('');
    await target.commit();
    expect(text()).toBe('held back');
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it('writes nothing at all on abort and removes the spool file', async () => {
    const out = new PassThrough();
    const text = collect(out);
    const target = await openSpooledTarget(out, temp.dir);
    await target.write(bytes('withheld'));
    await target.abort();
    expect(text()).toBe('');
    expect(await readdir(temp.dir)).toEqual([]);
  });
});

describe('formatSink', () => {
  it('converts to the format on the way to the target and commits once', async () => {
    const path = join(temp.dir, 'out.csv');
    const sink = formatSink('csv', await openFileTarget(path));
    const line = bytes(LINE);
    await sink.write(line.subarray(0, 20));
    await sink.write(line.subarray(20));
    await sink.commit();
    await sink.abort();
    expect(sink.committed).toBe(true);
    const csv = await readFile(path, 'utf8');
    expect(csv.split('\r\n')[1]).toBe('a,0,"Ion, ""Vania""",,,,,,,,,,,,,,,,,,,,,,');
  });
});
