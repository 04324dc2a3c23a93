import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, parseGeneratorOptions } from './generator-options.js';

describe('parseGeneratorOptions', () => {
  it('defaults to every model in ./models with the fixed seed', () => {
    const options = parseGeneratorOptions([]);
    expect(options.repository).toBe('models');
    expect(options.models.map((recipe) => recipe.name)).toEqual(['resnet', 'resnet-tiny', 'dummy', 'dummy-3d']);
    expect(options.seed).toBe(DEFAULT_SEED);
    expect(options.ifMissing).toBe(false);
  });

  it('leaves existing models alone with --if_missing', () => {
    expect(parseGeneratorOptions(['--if_missing']).ifMissing).toBe(true);
  });

  it('takes a repository, a selection of models and a seed', () => {
    const options = parseGeneratorOptions(['--out', '/tmp/repo', '--only', 'dummy, resnet-tiny', '--seed', '4294967295']);
    expect(options.repository).toBe('/tmp/repo');
    expect(options.models.map((recipe) => recipe.name)).toEqual(['dummy', 'resnet-tiny']);
    expect(options.seed).toBe(4294967295);
  });

  it('rejects unknown models, bad seeds and unknown flags', () => {
    expect(() => parseGeneratorOptions(['--only', 'resnet,vgg'])).toThrow(/unknown model "vgg"/);
    for (const seed of ['1.5', 'x', '4294967296', '']) {
      expect(() => parseGeneratorOptions(['--seed', seed])).toThrow(/--seed/);
    }
    expect(() => parseGeneratorOptions(['--fast'])).toThrow();
  });
});
