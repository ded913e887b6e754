// Issue 16 (memory): samples the heap and the event loop once a second and runs one full
// collection when the server has gone quiet after growing its heap (core/heap-compaction.ts).
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterHeapCompaction, decideHeapCompaction, initialHeapCompactionState, type HeapCompactionPolicy, type HeapSample } from '../core/heap-compaction.js';

export interface HeapCompactionLogger {
  info(object: object, message: string): void;
}

export interface IdleHeapCompaction {
  stop(): void;
}

export interface IdleHeapCompactionOptions {
  intervalInMs?: number;
  policy?: HeapCompactionPolicy;
  /** Tests: the samples and the collection, instead of the process's own. */
  sample?: () => HeapSample;
  collect?: () => void;
  readHeapTotal?: () => number;
}

/**
 * A full, compacting collection. Node offers `gc` only with --expose-gc; the flag set at run time
 * installs it in contexts created afterwards (as Jest's leak detector does).
 */
export function fullCollection(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  const gc = typeof existing === 'function' ? existing : exposedGc();
  // The first collection frees the garbage; pages it emptied go back to the system only with the
  // second (measured: one left the heap at its peak size).
  return () => {
    gc();
    gc();
  };
}

function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const heapTotal = () => getHeapStatistics().total_heap_size;

export function startIdleHeapCompaction(logger: HeapCompactionLogger, options: IdleHeapCompactionOptions = {}): IdleHeapCompaction {
  const readHeapTotal = options.readHeapTotal ?? heapTotal;
  let lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();
  const sample =
    options.sample ??
    (() => {
      const current = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(current, lastUtilization);
      lastUtilization = current;
      return { heapTotalBytes: readHeapTotal(), eventLoopUtilization: delta.utilization };
    });
  const collect = options.collect ?? fullCollection();
  let state = initialHeapCompactionState(readHeapTotal());
  const timer = setInterval(() => {
    const decision = decideHeapCompaction(state, sample(), options.policy);
    state = decision.next;
    if (!decision.compact) return;
    const before = readHeapTotal();
    collect();
    const after = readHeapTotal();
    state = afterHeapCompaction(state, after);
    logger.info({ heapBeforeBytes: before, heapAfterBytes: after }, 'quiet after a burst: heap compacted');
  }, options.intervalInMs ?? 1000);
  // Never keeps the process alive on its own.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
