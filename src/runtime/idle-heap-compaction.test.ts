import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { HeapSample } from '../core/heap-compaction.js';
import { fullCollection, startIdleHeapCompaction } from './idle-heap-compaction.js';

const mebibytes = (n: number) => n * 1024 * 1024;
const logger = { info: () => undefined };

describe('idle heap compaction (issue 16)', () => {
  it('collects once the samples show a grown heap and a quiet event loop, and not before', async () => {
    const utilizations = [0.9, 0.01, 0.01];
    let heap = mebibytes(40);
    const collections: number[] = [];
    let tick = 0;
    const sample = (): HeapSample => ({ heapTotalBytes: heap, eventLoopUtilization: utilizations[Math.min(tick++, utilizations.length - 1)]! });
    // Started at 40 MiB; a burst then grew the heap to 200.
    const compaction = startIdleHeapCompaction(logger, {
      intervalInMs: 5,
      sample,
      readHeapTotal: () => heap,
      collect: () => {
        collections.push(tick);
        heap = mebibytes(45);
      },
    });
    heap = mebibytes(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    compaction.stop();
    // The third sample is the second quiet one; afterwards the heap no longer counts as grown.
    expect(collections).toEqual([3]);
  });

  it('gives a heap grown by garbage back to the system', () => {
    let garbage: number[][] | undefined = Array.from({ length: 400_000 }, (_, i) => [i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 7]);
    expect(garbage.length).toBe(400_000);
    const grown = getHeapStatistics().total_heap_size;
    garbage = undefined;
    fullCollection()();
    expect(getHeapStatistics().total_heap_size).toBeLessThan(grown - mebibytes(20));
  });
});
