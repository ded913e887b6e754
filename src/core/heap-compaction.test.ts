import { describe, expect, it } from 'vitest';
import { afterHeapCompaction, decideHeapCompaction, defaultHeapCompactionPolicy, initialHeapCompactionState, type HeapCompactionState } from './heap-compaction.js';

const mebibytes = (n: number) => n * 1024 * 1024;
const quiet = 0.01;
const busy = 0.6;

function run(state: HeapCompactionState, samples: Array<[heapMiB: number, utilization: number]>): boolean[] {
  const decisions: boolean[] = [];
  for (const [heap, utilization] of samples) {
    const decision = decideHeapCompaction(state, { heapTotalBytes: mebibytes(heap), eventLoopUtilization: utilization });
    decisions.push(decision.compact);
    // The collection gave the garbage back: 50 MiB were live.
    state = decision.compact ? afterHeapCompaction(decision.next, mebibytes(50)) : decision.next;
  }
  return decisions;
}

describe('compacting the heap once a burst is over (issue 16)', () => {
  it('never while the server is busy, however large the heap', () => {
    expect(run(initialHeapCompactionState(mebibytes(50)), [[150, busy], [160, busy], [170, busy], [170, busy]])).toEqual([false, false, false, false]);
  });

  it('after two quiet intervals in a row, once, when the heap grew', () => {
    expect(run(initialHeapCompactionState(mebibytes(50)), [[150, busy], [150, quiet], [150, quiet], [50, quiet], [50, quiet], [50, quiet]])).toEqual([false, false, true, false, false, false]);
  });

  it('a lull of one interval between busy ones is not quiet', () => {
    expect(run(initialHeapCompactionState(mebibytes(50)), [[150, quiet], [150, busy], [150, quiet], [150, busy]])).toEqual([false, false, false, false]);
  });

  it('leaves small heaps, and heaps that barely grew since the last collection, alone', () => {
    expect(run(initialHeapCompactionState(mebibytes(20)), [[40, quiet], [40, quiet], [40, quiet]])).toEqual([false, false, false]);
    expect(run(initialHeapCompactionState(mebibytes(100)), [[110, quiet], [110, quiet], [110, quiet]])).toEqual([false, false, false]);
  });

  it('measures the next growth from the heap after the collection', () => {
    const { next } = decideHeapCompaction(initialHeapCompactionState(mebibytes(50)), { heapTotalBytes: mebibytes(150), eventLoopUtilization: quiet });
    const after = afterHeapCompaction(next, mebibytes(70));
    expect(after).toEqual({ quietIntervals: 0, heapAfterLastCompactionBytes: mebibytes(70) });
    const threshold = mebibytes(70) * defaultHeapCompactionPolicy.growthFactor;
    expect(decideHeapCompaction({ ...after, quietIntervals: 5 }, { heapTotalBytes: threshold - 1, eventLoopUtilization: quiet }).compact).toBe(false);
    expect(decideHeapCompaction({ ...after, quietIntervals: 5 }, { heapTotalBytes: threshold, eventLoopUtilization: quiet }).compact).toBe(true);
  });
});
