/**
 * The shape of `scenario.json` v1 as data: one description that both validates a scenario
 * (with messages that say where and how to fix) and generates the published JSON Schema
 * (`scenarios/schema/v1.json`, checked in `scenario.test.ts` to be identical), so the two can
 * never disagree.
 */

export type Spec =
  | {
      readonly kind: 'string';
      readonly doc: string;
      readonly pattern?: string;
      readonly patternHelp?: string;
      readonly minLength?: number;
      readonly maxLength: number;
    }
  | { readonly kind: 'url'; readonly doc: string }
  | { readonly kind: 'integer'; readonly doc: string; readonly min: number; readonly max: number }
  | { readonly kind: 'number'; readonly doc: string; readonly min: number; readonly max: number }
  | { readonly kind: 'boolean'; readonly doc: string }
  | { readonly kind: 'const'; readonly doc: string; readonly value: number }
  | { readonly kind: 'enum'; readonly doc: string; readonly values: readonly string[] }
  | {
      readonly kind: 'array';
      readonly doc: string;
      readonly of: Spec;
      readonly minItems?: number;
      readonly maxItems: number;
    }
  | {
      readonly kind: 'object';
      readonly doc: string;
      readonly fields: Readonly<Record<string, Field>>;
    }
  | {
      readonly kind: 'map';
      readonly doc: string;
      readonly keyPattern: string;
      readonly keyHelp: string;
      readonly of: Spec;
      readonly maxEntries: number;
    }
  /** A claim: `check` names an entry of the check library; `args` are typed by it. */
  | { readonly kind: 'claim'; readonly doc: string }
  /** A trace event type. */
  | { readonly kind: 'eventType'; readonly doc: string };

export interface Field {
  readonly spec: Spec;
  readonly required?: boolean;
}

const req = (spec: Spec): Field => ({ spec, required: true });
const opt = (spec: Spec): Field => ({ spec });

const text = (doc: string, maxLength = 400): Spec => ({
  kind: 'string',
  doc,
  minLength: 1,
  maxLength,
});
const markdown = (doc: string): Spec => ({ kind: 'string', doc, minLength: 1, maxLength: 20_000 });
const ID = '^[a-z0-9][a-z0-9-]{0,63}$';
const idSpec = (doc: string): Spec => ({
  kind: 'string',
  doc,
  pattern: ID,
  patternHelp: 'lowercase letters, digits and dashes, starting with a letter or digit',
  maxLength: 64,
});
const command: Spec = {
  kind: 'string',
  doc: 'a command line typed at the prompt ("^C" presses Ctrl-C)',
  minLength: 1,
  maxLength: 2000,
};

const link: Spec = {
  kind: 'object',
  doc: 'a link',
  fields: {
    title: req(text('what the link is')),
    url: req({ kind: 'url', doc: 'an http(s) address' }),
  },
};

const claim: Spec = { kind: 'claim', doc: 'a claim: a named check with typed arguments' };

export const REL_PATH = '^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]{1,200}$';
export const ABS_PATH = '^/(?!.*\\.\\.)[A-Za-z0-9._/-]{1,300}$';
export const FIDELITY_ID = '^[0-9]{2}-[a-z0-9-]+:[1-9][0-9]{0,3}$';

const worldFile: Spec = {
  kind: 'object',
  doc: 'a file of the lab machine: its text, or a file of the scenario folder to copy',
  fields: {
    content: opt({ kind: 'string', doc: 'the text of the file', maxLength: 200_000 }),
    from: opt({
      kind: 'string',
      doc: 'a file in the scenario folder, relative',
      pattern: REL_PATH,
      patternHelp: 'a relative path inside the scenario folder, without ".."',
      maxLength: 200,
    }),
    mode: opt({
      kind: 'string',
      doc: 'octal permission bits ("0755"); default "0644"',
      pattern: '^0[0-7]{3}$',
      patternHelp: 'four octal digits such as "0755"',
      maxLength: 4,
    }),
  },
};

export const SCENARIO_SPEC: Spec = {
  kind: 'object',
  doc: 'A PID 1 Lab scenario: a lesson or an exercise set, as data.',
  fields: {
    $schema: opt({
      kind: 'string',
      doc: 'the JSON Schema this file follows (editors use it)',
      maxLength: 300,
    }),
    schemaVersion: req({ kind: 'const', doc: 'the format version: 1', value: 1 }),
    id: req(idSpec('the folder name ("03-zombies")')),
    version: req({
      kind: 'string',
      doc: "the scenario's own version, MAJOR.MINOR.PATCH",
      pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$',
      patternHelp: 'MAJOR.MINOR.PATCH such as "1.0.0"',
      maxLength: 32,
    }),
    title: req(text('the title', 120)),
    summary: req(text('one sentence for the picker')),
    order: req({ kind: 'integer', doc: 'position in the workshop', min: 1, max: 999 }),
    lesson: req({
      kind: 'string',
      doc: 'the Markdown file with the introduction, relative to the folder',
      pattern: REL_PATH,
      patternHelp: 'a relative path inside the scenario folder, without ".."',
      maxLength: 200,
    }),
    world: req({
      kind: 'object',
      doc: 'the simulated machine to start from',
      fields: {
        hostname: opt({
          kind: 'string',
          doc: "the host's name",
          pattern: '^[a-zA-Z0-9-]{1,63}$',
          patternHelp: 'letters, digits and dashes',
          maxLength: 63,
        }),
        pidMax: opt({
          kind: 'integer',
          doc: "the host namespace's /proc/sys/kernel/pid_max",
          min: 301,
          max: 4_194_304,
        }),
        files: opt({
          kind: 'map',
          doc: 'files by absolute path',
          keyPattern: ABS_PATH,
          keyHelp: 'an absolute path such as "/app/child.sh"',
          of: worldFile,
          maxEntries: 64,
        }),
      },
    }),
    steps: req({
      kind: 'array',
      doc: 'the steps, in order',
      minItems: 1,
      maxItems: 40,
      of: {
        kind: 'object',
        doc: 'a step',
        fields: {
          id: req(idSpec('unique within the scenario')),
          title: req(text('the step title', 120)),
          text: req(markdown('Markdown shown before the step runs')),
          commands: req({ kind: 'array', doc: 'typed one at a time', maxItems: 40, of: command }),
          question: opt({
            kind: 'object',
            doc: 'a prediction asked before the step runs',
            fields: {
              prompt: req(text('the question', 600)),
              choices: req({
                kind: 'array',
                doc: 'the answers',
                minItems: 2,
                maxItems: 6,
                of: text('an answer', 300),
              }),
              answer: req({
                kind: 'integer',
                doc: 'index of the right answer in choices',
                min: 0,
                max: 5,
              }),
              explanation: req(markdown('Markdown shown at the reveal')),
            },
          }),
          claims: opt({ kind: 'array', doc: 'checked after the step', maxItems: 20, of: claim }),
          why: opt({
            kind: 'array',
            doc: 'trace event types whose explanations the reveal shows ("reparent", or "reap:sleep" for one command)',
            maxItems: 10,
            of: { kind: 'eventType', doc: 'a trace event type' },
          }),
        },
      },
    }),
    exercises: opt({
      kind: 'array',
      doc: 'exercises graded by their goals',
      maxItems: 20,
      of: {
        kind: 'object',
        doc: 'an exercise',
        fields: {
          id: req(idSpec('unique within the scenario')),
          title: req(text('the exercise title', 120)),
          text: req(markdown('Markdown: the task')),
          goals: req({
            kind: 'array',
            doc: 'what must hold at the end',
            minItems: 1,
            maxItems: 20,
            of: claim,
          }),
          hints: req({
            kind: 'array',
            doc: 'hints, gentlest first',
            maxItems: 10,
            of: markdown('a hint'),
          }),
          solution: req({
            kind: 'array',
            doc: 'a reference solution',
            minItems: 1,
            maxItems: 40,
            of: command,
          }),
          adaptiveHints: opt({
            kind: 'array',
            doc: 'hints that react to what the learner did: the first whose condition holds is shown',
            maxItems: 10,
            of: {
              kind: 'object',
              doc: 'a hint with its condition',
              fields: {
                when: req(claim),
                hint: req(markdown('Markdown; {found} is what the condition saw')),
              },
            },
          }),
          variables: opt({
            kind: 'map',
            doc: 'details of the variant drawn from the seed; {{name}} is replaced by the value',
            keyPattern: '^[a-z][a-zA-Z0-9]{0,31}$',
            keyHelp: 'a name of letters and digits starting with a lowercase letter ("victim")',
            maxEntries: 8,
            of: {
              kind: 'object',
              doc: 'a variable',
              fields: {
                choices: req({
                  kind: 'array',
                  doc: 'the values to draw from',
                  minItems: 1,
                  maxItems: 20,
                  of: {
                    kind: 'string',
                    doc: 'a value',
                    pattern: '^[A-Za-z0-9._-]{1,40}$',
                    patternHelp:
                      'letters, digits, dots, dashes and underscores (no spaces or quotes)',
                    maxLength: 40,
                  },
                }),
              },
            },
          }),
          files: opt({
            kind: 'map',
            doc: 'files added to the world for this exercise ({{name}} is replaced, in paths too; a later entry replaces an earlier one)',
            keyPattern: '^/(?!.*\\.\\.)[A-Za-z0-9._/{}-]{1,300}$',
            keyHelp: 'an absolute path such as "/app/child.sh" or "/app/svc-{{leaky}}.js"',
            of: {
              kind: 'object',
              doc: 'a file of the lab machine',
              fields: {
                content: req({ kind: 'string', doc: 'the text of the file', maxLength: 200_000 }),
                mode: opt({
                  kind: 'string',
                  doc: 'octal permission bits ("0755"); default "0644"',
                  pattern: '^0[0-7]{3}$',
                  patternHelp: 'four octal digits such as "0755"',
                  maxLength: 4,
                }),
              },
            },
            maxEntries: 16,
          }),
        },
      },
    }),
    realWorld: req({
      kind: 'object',
      doc: 'how to reproduce the lesson on a real machine',
      fields: {
        kind: req({
          kind: 'enum',
          doc: 'what the recipe needs',
          values: ['docker', 'kubectl', 'unshare'],
        }),
        files: opt({
          kind: 'map',
          doc: 'files to create first, by relative path',
          keyPattern: REL_PATH,
          keyHelp: 'a relative path such as "Dockerfile"',
          of: { kind: 'string', doc: 'the text of the file', maxLength: 50_000 },
          maxEntries: 16,
        }),
        commands: req({
          kind: 'array',
          doc: 'the exact commands',
          minItems: 1,
          maxItems: 40,
          of: command,
        }),
        expect: req(markdown('what the learner should see')),
        playgrounds: opt({ kind: 'array', doc: 'hosted playgrounds', maxItems: 5, of: link }),
      },
    }),
    sources: req({
      kind: 'array',
      doc: 'what the lesson draws on',
      minItems: 1,
      maxItems: 20,
      of: link,
    }),
    fidelity: opt({
      kind: 'array',
      doc: 'lines of fidelity/cases/*.sh that compare the lesson’s commands with a real kernel',
      maxItems: 20,
      of: {
        kind: 'string',
        doc: 'FILE:N, the Nth case line of fidelity/cases/FILE.sh',
        pattern: FIDELITY_ID,
        patternHelp:
          'a case id such as "02-orphans-and-signals:1" (the first case line of 02-orphans-and-signals.sh)',
        maxLength: 80,
      },
    }),
  },
};
