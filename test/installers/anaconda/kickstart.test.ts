import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { collect } from '../../../src/core/events.js';
import { PROJECT_ROOT } from '../../../src/core/version.js';
import { installKickstart } from '../../../src/installers/anaconda/kickstart.js';
import { resolveImageSpec } from '../../../src/template/image-spec.js';

const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/kickstarts');

describe('the kickstart the Anaconda driver boots', () => {
  it('a file %pre writes for a later %include: the spec resolves with a warning, the guest gets the %include to read at install time', async () => {
    const events = collect();
    const spec = await resolveImageSpec({ file: 'pre-include.ks', cwd: FIXTURES, emit: events.emit });
    const ks = installKickstart(spec);
    const booted = ks.forGuest({ register: () => {}, rewrite: (u) => u.replace('10.0.2.2:8080', '10.0.2.2:39001') });
    expect(booted.text).toMatch(/^echo "part \/ --size=3000 --grow" > \/tmp\/part-include\n%end\n%include \/tmp\/part-include\npoweroff$/m);
    expect(booted.text).toContain('liveimg --url=http://10.0.2.2:39001/rootfs.tar.xz');
    expect(ks.keyText).toContain('%include /tmp/part-include\n');
    expect(JSON.stringify(events.events)).toContain('%include /tmp/part-include: read by the installer at install time (written by %pre?)');
  });
});
