// Orders test files: suites on the run's shared platform first (it starts once and stops before the
// first suite that needs a platform of its own), then the rest in Jest's default order.
import { readFileSync } from 'node:fs';
import Sequencer from '@jest/test-sequencer';

const usesShared = (path) => {
  try {
    return readFileSync(path, 'utf8').includes('sharedTestPlatform(');
  } catch {
    return false;
  }
};

export default class SharedFirstSequencer extends (Sequencer.default ?? Sequencer) {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter((t) => usesShared(t.path)), ...sorted.filter((t) => !usesShared(t.path))];
  }
}
