import { jobIdFor } from './job-options';

describe('jobIdFor', () => {
  it('keeps safe ids readable and never numeric', () => {
    expect(jobIdFor('123')).toBe('j-123');
    expect(jobIdFor('abc-1.2_3')).toBe('j-abc-1.2_3');
  });

  it('hashes ids that contain characters BullMQ refuses, deterministically', () => {
    const id = jobIdFor('urn:uuid:6f1b6a8e-1b6e-4d0a-9b8e-1b6e4d0a9b8e');
    expect(id).toMatch(/^h-[0-9a-f]{64}$/);
    expect(id).not.toContain(':');
    expect(jobIdFor('urn:uuid:6f1b6a8e-1b6e-4d0a-9b8e-1b6e4d0a9b8e')).toBe(id);
    expect(jobIdFor('urn:uuid:x')).not.toBe(jobIdFor('urn:uuid:y'));
  });
});
