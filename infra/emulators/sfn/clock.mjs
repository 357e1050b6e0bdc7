// Simulated time of one execution. Workflows wait days (registry checks)
// and weeks (the postal letter); locally a simulated day takes dayMs real
// milliseconds. Wait states, Retry pauses and .waitForTaskToken timeouts
// run on this clock; the work of a Task (a Go handler) runs in real time.

export const DAY_MS = 86_400_000;

// MAX_TIMER_MS is the longest delay setTimeout honours: longer ones
// overflow and fire after 1 ms (the engine's "24.8 days" gap), so every
// delay here is cut into pieces no longer than this.
export const MAX_TIMER_MS = 2 ** 31 - 1;

export class Clock {
  // dayMs: real milliseconds per simulated day (> 0). instant: Wait states
  // and Retry pauses take no time at all (timeouts still use dayMs).
  constructor({ dayMs, instant }) {
    if (!(dayMs > 0)) throw new Error(`dayMs must be positive, got ${dayMs}`);
    this.ratio = dayMs / DAY_MS; // real ms per simulated ms
    this.instant = Boolean(instant);
    this.realStart = Date.now();
  }

  // now returns the simulated time in epoch milliseconds: it starts at the
  // real start time of the execution and runs 1/ratio times faster.
  now() {
    return this.realStart + (Date.now() - this.realStart) / this.ratio;
  }

  // iso returns now() in RFC 3339, or undefined past the year 275760,
  // which a Date cannot hold (a tiny dayMs gets there within hours).
  iso() {
    const d = new Date(this.now());
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }

  // pause returns the real milliseconds of a simulated Wait or Retry pause.
  pause(simMs) {
    return this.instant ? 0 : Math.max(0, simMs) * this.ratio;
  }

  // timeout returns the real milliseconds of a simulated timeout.
  timeout(simMs) {
    return Math.max(0, simMs) * this.ratio;
  }
}

// sleep resolves after ms real milliseconds (any length: long delays are
// slept in pieces), or rejects with signal.reason when signal aborts.
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let left = ms > 0 ? ms : 0; // and 0 for NaN
    let timer;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const step = () => {
      if (left <= 0) {
        signal.removeEventListener('abort', onAbort);
        return resolve();
      }
      const piece = Math.min(left, MAX_TIMER_MS);
      left -= piece;
      timer = setTimeout(step, piece);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    step();
  });
}
