import type { VersionPolicy } from '../config/demux-config.js';

/** The versions a policy serves out of those available on disk, ascending. */
export function selectVersions(available: readonly number[], policy: VersionPolicy): number[] {
  const ascending = [...new Set(available)].sort((a, b) => a - b);
  switch (policy.kind) {
    case 'all':
      return ascending;
    case 'latest':
      return ascending.slice(Math.max(0, ascending.length - policy.count));
    case 'specific':
      return ascending.filter((version) => policy.versions.includes(version));
  }
}

/** Versions a `specific` policy asks for that are not on disk, ascending; status reports them. */
export function missingVersions(available: readonly number[], policy: VersionPolicy): number[] {
  if (policy.kind !== 'specific') return [];
  return [...new Set(policy.versions)].filter((version) => !available.includes(version)).sort((a, b) => a - b);
}
