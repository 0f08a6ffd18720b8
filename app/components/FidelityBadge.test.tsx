import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FidelityBadge } from './FidelityBadge.tsx';
import type { FidelityRecord } from '../../fidelity/record.ts';

const record: FidelityRecord = {
  checkedAt: '2026-11-28',
  kernel: '6.18.44-fc-v669',
  tools: { bash: '5.2.15', tini: '0.19.0' },
  cases: {
    'a:1': { line: 'echo <one>', result: 'pass' },
    'a:2': { line: 'echo two', result: 'fail' },
  },
};

describe('FidelityBadge', () => {
  it('claims "checked" with versions when every case passed, and lists the cases', () => {
    const html = renderToStaticMarkup(<FidelityBadge cases={['a:1']} record={record} />);
    expect(html).toContain('data-status="checked"');
    expect(html).toContain('Checked against Linux 6.18 (bash 5.2, tini 0.19)');
    expect(html).toContain(
      'title="Linux 6.18.44-fc-v669, bash 5.2.15, tini 0.19.0; checked 2026-11-28"',
    );
    expect(html).toContain('<code>a:1</code> — passed');
    expect(html).toContain('echo &lt;one&gt;');
  });

  it('says what is failing or not checked instead, and renders nothing without cases', () => {
    const failing = renderToStaticMarkup(<FidelityBadge cases={['a:1', 'a:2']} record={record} />);
    expect(failing).toContain('1 of 2 cases differ from Linux 6.18');
    expect(failing).not.toContain('Checked against');
    const missing = renderToStaticMarkup(<FidelityBadge cases={['a:1', 'b:7']} record={record} />);
    expect(missing).toContain('1 of 2 cases not yet checked against Linux');
    expect(missing).toContain('<code>b:7</code> — not checked yet');
    expect(renderToStaticMarkup(<FidelityBadge cases={[]} record={record} />)).toBe('');
  });

  it('reads the committed record by default', () => {
    const html = renderToStaticMarkup(<FidelityBadge cases={['01-pid-namespaces:1']} />);
    expect(html).toMatch(/data-status="(checked|failing)"/);
  });
});
