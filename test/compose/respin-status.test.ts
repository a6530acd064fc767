import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeLayout } from '../../src/compose/layout.js';
import { existingRespins, nextFreeRespin, reserveComposeDir } from '../../src/compose/respin.js';
import { finishedStatus, readComposeId, readComposeStatus, writeComposeId, writeComposeStatus, type ComposeStatus } from '../../src/compose/status.js';

let out: string;
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'kiln-compose-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

const day = { short: 'Fedora-Cloud', version: '19', date: '20261125', type: 'production' as const };

describe('respins', () => {
  it('starts at 0 in an empty or missing directory', async () => {
    expect(await nextFreeRespin(out, day)).toBe(0);
    expect(await nextFreeRespin(join(out, 'missing'), day)).toBe(0);
  });

  it('takes the first free respin of the same day, type and release only', async () => {
    for (const d of ['Fedora-Cloud-19-20261125.0', 'Fedora-Cloud-19-20261125.1', 'Fedora-Cloud-19-20261125.3', 'Fedora-Cloud-19-20261125.n.2', 'Fedora-Cloud-19-20261124.2', 'Fedora-Cloud-20-20261125.2', 'Fedora-Container-19-20261125.2']) {
      await mkdir(join(out, d));
    }
    expect(await existingRespins(out, day)).toEqual([0, 1, 3]);
    expect(await nextFreeRespin(out, day)).toBe(2);
    expect(await nextFreeRespin(out, { ...day, type: 'nightly' })).toBe(0);
    expect(await existingRespins(out, { ...day, type: 'nightly' })).toEqual([2]);
  });

  it('reserves a directory atomically: two at once get different respins', async () => {
    await mkdir(join(out, 'Fedora-Cloud-19-20261125.0'));
    const [a, b] = await Promise.all([reserveComposeDir(out, day), reserveComposeDir(out, day)]);
    expect([a.respin, b.respin].sort()).toEqual([1, 2]);
    expect(a.dir).toBe(join(out, a.composeId));
    expect((await readdir(out)).sort()).toEqual(['Fedora-Cloud-19-20261125.0', 'Fedora-Cloud-19-20261125.1', 'Fedora-Cloud-19-20261125.2']);
  });

  it('creates the output directory, and names it when it cannot', async () => {
    const r = await reserveComposeDir(join(out, 'new', 'composes'), { ...day, type: 'nightly' });
    expect(r.composeId).toBe('Fedora-Cloud-19-20261125.n.0');
    if (process.getuid?.() === 0) return; // root writes anywhere
    await chmod(out, 0o500);
    await expect(reserveComposeDir(join(out, 'other'), day)).rejects.toMatchObject({ code: 'COMPOSE_OUT_DIR' });
    await chmod(out, 0o700);
  });

  it('names an output path that is a file', async () => {
    await writeFile(join(out, 'file'), '');
    await expect(reserveComposeDir(join(out, 'file'), day)).rejects.toMatchObject({ code: 'COMPOSE_OUT_DIR', message: expect.stringContaining(join(out, 'file')) });
  });
});

describe('STATUS and COMPOSE_ID', () => {
  it('writes the id without a newline and the status with one', async () => {
    const layout = composeLayout(out, 'Cloud');
    expect(await readComposeStatus(layout)).toBeUndefined();
    expect(await readComposeId(layout)).toBeUndefined();
    await writeComposeId(layout, 'Fedora-Cloud-19-20261125.0');
    await writeComposeStatus(layout, 'STARTED');
    expect(await readFile(join(out, 'COMPOSE_ID'), 'utf8')).toBe('Fedora-Cloud-19-20261125.0');
    expect(await readFile(join(out, 'STATUS'), 'utf8')).toBe('STARTED\n');
    expect(await readComposeId(layout)).toBe('Fedora-Cloud-19-20261125.0');
    expect(await readComposeStatus(layout)).toBe('STARTED');
    expect((await readdir(out)).sort()).toEqual(['COMPOSE_ID', 'STATUS']);
  });

  it.each<ComposeStatus>(['DOOMED', 'TERMINATED', 'FINISHED_INCOMPLETE'])('a %s compose can be resumed (STARTED again)', async (status) => {
    const layout = composeLayout(out, 'Cloud');
    await writeComposeStatus(layout, status);
    await writeComposeStatus(layout, 'STARTED');
    expect(await readComposeStatus(layout)).toBe('STARTED');
  });

  it('never changes a FINISHED compose', async () => {
    const layout = composeLayout(out, 'Cloud');
    await writeComposeStatus(layout, 'FINISHED');
    await writeComposeStatus(layout, 'FINISHED');
    await expect(writeComposeStatus(layout, 'STARTED')).rejects.toMatchObject({ code: 'COMPOSE_FINISHED' });
    expect(await readComposeStatus(layout)).toBe('FINISHED');
  });

  it('refuses a STATUS file it does not understand', async () => {
    await writeFile(join(out, 'STATUS'), 'RUNNING\n');
    await expect(readComposeStatus(composeLayout(out, 'Cloud'))).rejects.toMatchObject({ code: 'COMPOSE_STATUS_INVALID' });
  });

  it.each<[number, number, ComposeStatus]>([
    [0, 0, 'FINISHED'],
    [0, 2, 'FINISHED_INCOMPLETE'],
    [1, 0, 'DOOMED'],
    [1, 3, 'DOOMED'],
  ])('%i required and %i failable failures finish as %s', (required, failable, status) => {
    expect(finishedStatus({ required, failable })).toBe(status);
  });
});

describe('the compose layout', () => {
  it('puts everything where Pungi does, with compose arches', () => {
    const l = composeLayout('/srv/composes/Fedora-Cloud-19-20261125.0', 'Cloud');
    expect(l.imagesDir('i686')).toBe('/srv/composes/Fedora-Cloud-19-20261125.0/compose/Cloud/i386/images');
    expect(l.imagePath('x86_64', 'a.qcow2')).toBe('Cloud/x86_64/images/a.qcow2');
    expect(l.imagesFile).toBe('/srv/composes/Fedora-Cloud-19-20261125.0/compose/metadata/images.json');
    expect(l.composeinfoFile).toBe('/srv/composes/Fedora-Cloud-19-20261125.0/compose/metadata/composeinfo.json');
    expect(l.kilnFile).toBe('/srv/composes/Fedora-Cloud-19-20261125.0/compose/metadata/kiln.json');
    expect(l.amisFile).toBe('/srv/composes/Fedora-Cloud-19-20261125.0/compose/metadata/amis.json');
    expect(l.logsDir('i686', 'Fedora-Cloud-Base')).toBe('/srv/composes/Fedora-Cloud-19-20261125.0/logs/i386/Fedora-Cloud-Base');
    expect(l.statusFile).toBe('/srv/composes/Fedora-Cloud-19-20261125.0/STATUS');
  });
});
