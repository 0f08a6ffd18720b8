import { describe, expect, it } from 'vitest';
import { createLabMachine } from '../../src/lab/world.ts';
import { createPageMachine, runtimesReady } from './pageWorld.ts';
import { worldManifestText } from '../../src/lab/manifest.ts';
import manifest from './world-manifest.json';

describe('the page world', () => {
  it('world-manifest.json is what src/lab/world.ts installs (run `npm run gen:world` if not)', () => {
    expect(`${JSON.stringify(manifest, null, 1)}\n`).toBe(worldManifestText());
  });

  it('boots and runs exactly the machine of src/lab/world.ts, runtimes included', async () => {
    await runtimesReady;
    const lines = [
      'docker run -d --name w --init debian:12 sleep 100',
      'kubectl apply -f /root/k8s/shared-pid.yaml',
      'sleep 3',
      'docker stop w',
      'ps -ef --forest',
    ];
    const run = (m: ReturnType<typeof createLabMachine>): string => {
      for (const line of lines) {
        m.type(`${line}\r`);
        expect(m.runUntilPrompt(600_000_000)).toBe(true);
      }
      return m.kernel.serialize();
    };
    const page = createPageMachine();
    const lab = createLabMachine();
    expect(run(page)).toBe(run(lab));
    expect(page.output()).toBe(lab.output());
    expect(page.output()).toContain('/pause');
    expect(page.output()).toContain('containerd-shim-runc-v2');
  });
});
