// Issue 16 (memory): when a server that grew its JavaScript heap for a burst (a sign-in storm, a
// run of big pages) has gone quiet, one full collection gives the memory back to the system.
// V8 would do this itself later or never (its own reducer did not fire on an idle Tessera in the
// benchmark, so the heap stayed at its peak). Free of I/O: the caller samples the heap and how busy
// the event loop was.

export interface HeapSample {
  /** The heap V8 holds from the system (total_heap_size), in bytes. */
  heapTotalBytes: number;
  /** The share of the last interval the event loop was busy, 0 to 1. */
  eventLoopUtilization: number;
}

export interface HeapCompactionState {
  /** Intervals in a row the event loop was quiet. */
  quietIntervals: number;
  /** The heap right after the last full collection (or at start). */
  heapAfterLastCompactionBytes: number;
}

export interface HeapCompactionPolicy {
  /** Below this share of busy time an interval counts as quiet. */
  quietUtilization: number;
  /** Quiet intervals in a row before a collection: never during traffic, never for a lull of one interval. */
  quietIntervalsBeforeCompaction: number;
  /** Heaps below this size are left alone. */
  minimumHeapBytes: number;
  /** Collect only when the heap grew by this factor since the last collection. */
  growthFactor: number;
}

const mebibyte = 1024 * 1024;

export const defaultHeapCompactionPolicy: HeapCompactionPolicy = {
  quietUtilization: 0.05,
  quietIntervalsBeforeCompaction: 2,
  minimumHeapBytes: 64 * mebibyte,
  growthFactor: 1.25,
};

export function initialHeapCompactionState(heapTotalBytes: number): HeapCompactionState {
  return { quietIntervals: 0, heapAfterLastCompactionBytes: heapTotalBytes };
}

/** Whether to collect now, and the state for the next interval (the caller records the heap after a collection). */
export function decideHeapCompaction(state: HeapCompactionState, sample: HeapSample, policy: HeapCompactionPolicy = defaultHeapCompactionPolicy): { compact: boolean; next: HeapCompactionState } {
  const quietIntervals = sample.eventLoopUtilization < policy.quietUtilization ? state.quietIntervals + 1 : 0;
  const grown = sample.heapTotalBytes >= policy.minimumHeapBytes && sample.heapTotalBytes >= state.heapAfterLastCompactionBytes * policy.growthFactor;
  const compact = grown && quietIntervals >= policy.quietIntervalsBeforeCompaction;
  return { compact, next: { quietIntervals: compact ? 0 : quietIntervals, heapAfterLastCompactionBytes: state.heapAfterLastCompactionBytes } };
}

/** After a collection: the new baseline the next growth is measured from. */
export function afterHeapCompaction(state: HeapCompactionState, heapTotalBytes: number): HeapCompactionState {
  return { quietIntervals: 0, heapAfterLastCompactionBytes: heapTotalBytes };
}
