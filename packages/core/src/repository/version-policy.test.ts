import { describe, expect, it } from 'vitest';

import type { VersionPolicy } from '../config/demux-config.js';
import { missingVersions, selectVersions } from './version-policy.js';

const latest = (count: number): VersionPolicy => ({ kind: 'latest', count });
const all: VersionPolicy = { kind: 'all' };
const specific = (...versions: number[]): VersionPolicy => ({ kind: 'specific', versions });

describe('selectVersions', () => {
  it.each<[number[], VersionPolicy, number[]]>([
    [[1, 2, 3], latest(1), [3]],
    [[1, 2, 3], latest(2), [2, 3]],
    [[1, 2, 3], latest(5), [1, 2, 3]],
    [[3, 10, 2], latest(2), [3, 10]],
    [[7], latest(1), [7]],
    [[], latest(1), []],
    [[1, 2, 3], latest(0), []],
    [[1, 2, 3], all, [1, 2, 3]],
    [[10, 9, 1], all, [1, 9, 10]],
    [[], all, []],
    [[1, 2, 3], specific(1, 3), [1, 3]],
    [[1, 2, 3], specific(3, 1), [1, 3]],
    [[1, 2, 3], specific(2, 4), [2]],
    [[1, 2, 3], specific(4), []],
    [[1, 2, 3], specific(), []],
    [[], specific(1), []],
    [[2, 2, 1], all, [1, 2]],
  ])('from %j under %j serves %j', (available, policy, served) => {
    expect(selectVersions(available, policy)).toEqual(served);
  });
});

describe('missingVersions', () => {
  it.each<[number[], VersionPolicy, number[]]>([
    [[1, 2, 3], specific(2, 4), [4]],
    [[1], specific(5, 3, 5), [3, 5]],
    [[], specific(1), [1]],
    [[1, 2], specific(1, 2), []],
    [[], latest(3), []],
    [[], all, []],
  ])('from %j under %j lacks %j', (available, policy, missing) => {
    expect(missingVersions(available, policy)).toEqual(missing);
  });
});
