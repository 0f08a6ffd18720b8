import { describe, expect, it } from 'vitest';
import { Kernel } from '../../kernel-sim/index.ts';
import { LAB_BINARIES, LAB_PROGRAMS, createLabMachine } from '../../lab/world.ts';
import { runScript } from '../../lab/script.ts';

describe('the init and app models keep plain-data state', () => {
  it('a machine running systemd, supervisord, nginx and the spec app survives serialize/deserialize', () => {
    const m = createLabMachine();
    runScript(
      m,
      [
        'docker run -d --name sd pidlab/systemd:12',
        'docker run -d --name sv pidlab/supervisord:4.2',
        'docker run -d --name web nginx:1.25',
        'docker run -d --name app debian:12 /usr/local/bin/app',
        'docker kill -s TERM sd',
        'docker kill -s HUP web',
        'sleep 5',
      ].join('\n'),
    );
    const k = m.kernel;
    const options = { programs: [...LAB_PROGRAMS], binaries: { ...LAB_BINARIES } };
    const copy = Kernel.deserialize(k.serialize(), options as never);
    expect(copy.serialize()).toBe(k.serialize());
    // Both go on the same way: supervisord restarts its app and then stops it, nginx stops
    // gracefully, systemd halts.
    for (const kk of [k, copy]) {
      kk.advance(3_000_000);
      kk.settle();
      kk.ttyInput(m.tty, 'docker stop sv web; docker kill -s RTMIN+3 sd\r');
      kk.advance(7_000_000);
      kk.settle();
    }
    expect(copy.serialize()).toBe(k.serialize());
    expect(k.checkInvariants()).toEqual([]);
    const out = m.output();
    expect(out).toContain('docker stop sv web; docker kill -s RTMIN+3 sd');
  });
});
