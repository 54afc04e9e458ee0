import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.ts';

// `npm test` runs everything here. The closing-line reporter prints "N passed, N failed"
// last, the line CI reads to count tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // One worker per core, and one more. Vitest's default leaves a core to its main
    // process, which only waits: on two cores that meant a single worker and a serial
    // run. The extra worker fills the time the slow files spend waiting on Chromium,
    // tsc or a child process: on two cores, 94 s against 104 s with two workers.
    maxWorkers: availableParallelism() + 1,
    // Test files share a worker's modules instead of importing lib/ afresh each: this
    // takes the library tests from 45 s of CPU to 27 s. It is sound because no test
    // changes process-wide state for good: spies are restored, env variables deleted,
    // listeners removed and servers closed, in `finally` or `afterAll`. A new test that
    // touches such state must put it back the same way.
    isolate: false,
    // …and this fails the file that does not.
    setupFiles: ['./test/support/shared-process-guard.ts'],
    sequence: { sequencer: SlowFirstSequencer },
  },
});
