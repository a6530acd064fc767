import { describe, expect, it } from 'vitest';
import { lifecycleEvent } from '../../../hypervisor/libvirt/lifecycle.js';

describe('lifecycleEvent', () => {
  // Numbers from include/libvirt/libvirt-domain.h (virDomainEventType and the detail enums).
  it.each([
    [2, 0, 'started', 'booted'],
    [4, 0, 'resumed', 'unpaused'],
    [5, 0, 'stopped', 'shutdown'],
    [5, 1, 'stopped', 'destroyed'],
    [5, 2, 'stopped', 'crashed'],
    [5, 5, 'stopped', 'failed'],
    [6, 0, 'shutdown', 'finished'],
    [6, 1, 'shutdown', 'guest'],
    [6, 2, 'shutdown', 'host'],
    [8, 0, 'crashed', 'panicked'],
    [0, 0, 'defined', 'added'],
    [1, 0, 'undefined', 'removed'],
  ])('event %i detail %i is %s/%s', (event, detail, name, words) => {
    expect(lifecycleEvent(event, detail)).toEqual({ event: name, detail: words });
  });

  it('names a detail a newer libvirt added by its number', () => {
    expect(lifecycleEvent(5, 42)).toEqual({ event: 'stopped', detail: 'unknown-42' });
  });

  it('ignores an event type it does not know', () => {
    expect(lifecycleEvent(99, 0)).toBeUndefined();
  });
});
