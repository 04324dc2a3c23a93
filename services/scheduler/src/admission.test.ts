import { describe, expect, it } from 'vitest';
import { StatusCode } from '@demux/core';
import { Admission } from './admission.js';

const resnet = { model: 'resnet', version: 1 };

describe('Admission', () => {
  it('refuses a request past the limit with RESOURCE_EXHAUSTED, and admits again once one ends', () => {
    const admission = new Admission({ maxRequests: 2, maxJobsPerModel: 10 });
    const first = admission.admitRequest();
    admission.admitRequest();
    expect(() => admission.admitRequest()).toThrow(expect.objectContaining({ code: StatusCode.RESOURCE_EXHAUSTED }));
    first();
    first();
    expect(() => admission.admitRequest()).not.toThrow();
    expect(() => admission.admitRequest()).toThrow('the scheduler is running its maximum of 2 requests; retry later');
  });

  it('bounds the jobs in flight per model version, each version on its own', () => {
    const admission = new Admission({ maxRequests: 10, maxJobsPerModel: 1 });
    const release = admission.admitJob(resnet);
    expect(() => admission.admitJob(resnet)).toThrow('model resnet version 1 has its maximum of 1 jobs in flight; retry later');
    expect(() => admission.admitJob({ ...resnet, version: 2 })).not.toThrow();
    release();
    expect(() => admission.admitJob(resnet)).not.toThrow();
  });
});
