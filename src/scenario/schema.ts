/**
 * The published JSON Schema of scenario.json v1 (`scenarios/schema/v1.json`), generated from the
 * same description the validator uses (`spec.ts`) and the check library (`checks.ts`), so
 * editors that read `$schema` flag the same mistakes `pidlab validate` does (as far as JSON
 * Schema can say them: file existence, duplicate ids and answer ranges are the validator's).
 * Regenerate with `npx pidlab validate --schema > scenarios/schema/v1.json`.
 */
import { CHECKS } from './checks.ts';
import type { ParamSpec } from './checks.ts';
import { SCENARIO_SPEC } from './spec.ts';
import type { Spec } from './spec.ts';
import { EVENT_TYPES } from './validate.ts';

type Json = { readonly [k: string]: unknown };

export const SCHEMA_ID = 'https://pidlab.invalid/schema/scenario/v1.json';

function param(p: ParamSpec): Json {
  switch (p.type) {
    case 'string':
      return { type: 'string', minLength: 1, description: p.doc };
    case 'integer':
      return { type: 'integer', minimum: 0, description: p.doc };
    case 'number':
      return { type: 'number', minimum: 0, description: p.doc };
    case 'boolean':
      return { type: 'boolean', description: p.doc };
    case 'signal':
      return {
        type: 'string',
        pattern: '^(SIG)?[A-Z0-9+-]+$|^[0-9]+$',
        description: p.doc,
      };
    case 'namespace':
      return { enum: ['host', 'newest'], description: p.doc };
    case 'procState':
      return { enum: ['R', 'S', 'T', 'Z'], description: p.doc };
  }
}

function claimSchema(): Json {
  return {
    description: 'a claim: a named check with typed arguments',
    oneOf: CHECKS.map((c) => ({
      type: 'object',
      description: `${c.name}: ${c.doc}`,
      additionalProperties: false,
      required: ['check', 'text'],
      properties: {
        check: { const: c.name },
        args: {
          type: 'object',
          additionalProperties: false,
          required: Object.entries(c.params)
            .filter(([, p]) => p.required)
            .map(([k]) => k),
          properties: Object.fromEntries(Object.entries(c.params).map(([k, p]) => [k, param(p)])),
        },
        not: { type: 'boolean', description: 'the claim is that the check does not hold' },
        text: { type: 'string', minLength: 1, description: 'the sentence the learner reads' },
      },
    })),
  };
}

function toSchema(spec: Spec): Json {
  switch (spec.kind) {
    case 'string':
      return {
        type: 'string',
        description: spec.doc,
        ...(spec.minLength !== undefined ? { minLength: spec.minLength } : {}),
        maxLength: spec.maxLength,
        ...(spec.pattern !== undefined ? { pattern: spec.pattern } : {}),
      };
    case 'url':
      return { type: 'string', description: spec.doc, pattern: '^https?://[^\\s/?#]+[^\\s]*$' };
    case 'integer':
    case 'number':
      return { type: spec.kind, description: spec.doc, minimum: spec.min, maximum: spec.max };
    case 'boolean':
      return { type: 'boolean', description: spec.doc };
    case 'const':
      return { const: spec.value, description: spec.doc };
    case 'enum':
      return { enum: spec.values, description: spec.doc };
    case 'eventType':
      return {
        type: 'string',
        description: `${spec.doc}, optionally with a command name ("reap:sleep")`,
        pattern: `^(${EVENT_TYPES.join('|')})(:[\\w.+-]{1,15})?$`,
      };
    case 'array':
      return {
        type: 'array',
        description: spec.doc,
        ...(spec.minItems !== undefined ? { minItems: spec.minItems } : {}),
        maxItems: spec.maxItems,
        items: toSchema(spec.of),
      };
    case 'map':
      return {
        type: 'object',
        description: spec.doc,
        maxProperties: spec.maxEntries,
        propertyNames: { pattern: spec.keyPattern },
        additionalProperties: toSchema(spec.of),
      };
    case 'object':
      return {
        type: 'object',
        description: spec.doc,
        additionalProperties: false,
        required: Object.entries(spec.fields)
          .filter(([, f]) => f.required)
          .map(([k]) => k),
        properties: Object.fromEntries(
          Object.entries(spec.fields).map(([k, f]) => [k, toSchema(f.spec)]),
        ),
      };
    case 'claim':
      return { $ref: '#/$defs/claim' };
  }
}

/** The JSON Schema (draft 2020-12) of scenario.json v1. */
export function scenarioJsonSchema(): Json {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'PID 1 Lab scenario, format version 1',
    ...toSchema(SCENARIO_SPEC),
    $defs: { claim: claimSchema() },
  };
}

/** The schema file's text (2-space JSON and a final newline). */
export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}
