/**
 * The Go text/template subset behind `docker ps --format` and Go's text/tabwriter, checked
 * against what docker 24's CLI (templates/templates.go, cli/command/formatter/) and Go 1.20's
 * text/template print for the same input.
 */
import { describe, expect, it } from 'vitest';
import { TemplateError, executeTemplate, parseTemplate, tabwrite } from './template.ts';
import type { TemplateData } from './template.ts';

const data: TemplateData = {
  typeName: '*formatter.ContainerContext',
  fields: { ID: '0e78761d0eca', Names: 'web_1', Status: 'Up 2 minutes', Ports: '' },
  methods1: { Label: (k) => (k === 'tier' ? 'front' : '') },
  json: () => '{"ID":"0e78761d0eca"}',
};

function run(src: string, d: TemplateData = data, header = false): string {
  const t = parseTemplate(src);
  if (t instanceof TemplateError) return `parse: ${t.message}`;
  const r = executeTemplate(t, d, header);
  return typeof r === 'string' ? r : `exec: ${r.message} [${r.partial}]`;
}

describe('docker ps --format templates', () => {
  it('fields, methods with an argument, functions and pipes', () => {
    expect(run('{{.ID}} {{ .Names }}: {{.Status}}')).toBe('0e78761d0eca web_1: Up 2 minutes');
    expect(run('{{.Label "tier"}}|{{.Label `x`}}|')).toBe('front||');
    expect(run('{{upper .Names}} {{.Names | upper}} {{title "up two"}} {{json .Names}}')).toBe(
      'WEB_1 WEB_1 Up Two "web_1"',
    );
    expect(run('{{truncate .ID 4}} [{{pad .Status 1 2}}] [{{pad .Ports 1 2}}]')).toBe(
      '0e78 [ Up 2 minutes  ] []',
    );
    expect(run('{{split .Status " "}} {{join (split .Status " ") ","}}')).toMatch(/^parse: /);
    expect(run('{{split .Status " "}}')).toBe('[Up 2 minutes]');
    expect(run('{{json .}}')).toBe('{"ID":"0e78761d0eca"}');
    expect(run('{{/* a comment */}}a  {{- .ID -}}  b')).toBe('a0e78761d0ecab');
  });

  it('errors as text/template words them, with the line and byte column', () => {
    expect(run('{{.Foo}}')).toBe(
      'exec: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext []',
    );
    expect(run('id {{ .ID }} {{.ID.Short}}')).toBe(
      'exec: template: :1:15: executing "" at <.ID.Short>: can\'t evaluate field Short in type string [id 0e78761d0eca ]',
    );
    expect(run('{{.Label}}')).toMatch(/at <\.Label>: wrong number of args for Label: want 1 got 0/);
    expect(run('{{.ID "x"}}')).toMatch(/at <\.ID>: wrong number of args for ID: want 0 got 1/);
    expect(run('{{upper}}')).toMatch(/at <upper>: wrong number of args for upper: want 1 got 0/);
    expect(run('{{shout .ID}}')).toBe('parse: template: :1: function "shout" not defined');
    expect(run('a\n{{.ID')).toBe('parse: template: :2: unclosed action');
    expect(run('{{}}')).toBe('parse: template: :1: missing value for command');
    expect(run('{{if .ID}}x{{end}}')).toMatch(/^parse: template: :1: "if" is not supported/);
    expect(run('{{printf "%s" .ID}}')).toMatch(/"printf" is not supported/);
    expect(run('{{$x := .ID}}')).toMatch(/a variable is not supported/);
  });

  it('the header: header functions keep the name, SubHeaderContext.Label, pad still pads', () => {
    const header: TemplateData = {
      typeName: 'formatter.SubHeaderContext',
      fields: { ID: 'CONTAINER ID', Names: 'NAMES' },
      methods1: { Label: (n) => (n.split('.').pop() ?? '').replace(/[-_]/g, ' ') },
      isMap: true,
      json: () => '',
    };
    expect(run('{{upper .Names}}|{{truncate .ID 2}}|{{pad .Names 1 1}}', header, true)).toBe(
      'NAMES|CONTAINER ID| NAMES ',
    );
    expect(run('{{.Label "com.example.run_as"}}', header, true)).toBe('run as');
    expect(run('{{.Nope}}', header, true)).toBe('<no value>');
  });
});

describe("Go's tabwriter (minwidth 10, padding 3)", () => {
  it('pads tab-terminated cells to the widest of their column; the last cell is not padded', () => {
    expect(tabwrite('CONTAINER ID\tNAMES\tSTATUS\n0e78761d0eca\tweb\tUp 2 minutes\n')).toBe(
      'CONTAINER ID   NAMES     STATUS\n0e78761d0eca   web       Up 2 minutes\n',
    );
    expect(tabwrite('A\tB\t\nxx\tyyyyyyyyyyy\t\n')).toBe(
      'A         B             \nxx        yyyyyyyyyyy   \n',
    );
    expect(tabwrite('NAMES STATE\nweb running\n')).toBe('NAMES STATE\nweb running\n');
  });
  it('a column is only as long as the contiguous lines that have it', () => {
    // Go's own example: the b and c cells are in different columns.
    expect(tabwrite('aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n', 0, 1)).toBe(
      'aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n',
    );
  });
});
