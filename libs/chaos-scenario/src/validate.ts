import { parseAllDocuments } from 'yaml';
import { specSchema } from './crd-schema';
import { Schema } from './schema-dsl';
import { API_VERSION, ChaosScenario, KIND } from './types';

export interface ValidationError {
  /** Dotted path as the API server prints it, e.g. `spec.steps[0].mode`. */
  path: string;
  message: string;
}

export class ScenarioValidationError extends Error {
  constructor(
    readonly source: string,
    readonly errors: ValidationError[],
  ) {
    super(`${source}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

/**
 * Checks a ChaosScenario the way the API server would: the structural schema
 * (types, required, enums, patterns, bounds, unknown fields) and every CEL
 * rule through its TypeScript twin. Returns no errors for a valid scenario.
 */
export function validateScenario(doc: unknown): ValidationError[] {
  const errors: ValidationError[] = [];
  if (!isObject(doc)) return [{ path: '', message: 'not an object' }];
  if (doc.apiVersion !== API_VERSION) errors.push({ path: 'apiVersion', message: `must be ${API_VERSION}` });
  if (doc.kind !== KIND) errors.push({ path: 'kind', message: `must be ${KIND}` });
  const meta = doc.metadata;
  if (!isObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    errors.push({ path: 'metadata.name', message: 'Required value' });
  }
  if (doc.spec === undefined) errors.push({ path: 'spec', message: 'Required value' });
  else walk(specSchema, doc.spec, 'spec', errors);
  return errors;
}

/** Parses one or more YAML documents into validated ChaosScenarios; other kinds are ignored. */
export function parseScenarios(text: string, source = 'scenario'): ChaosScenario[] {
  const out: ChaosScenario[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length)
      throw new ScenarioValidationError(source, [{ path: '', message: doc.errors[0].message }]);
    const value: unknown = doc.toJS();
    if (!isObject(value) || value.kind !== KIND) continue;
    const errors = validateScenario(value);
    if (errors.length) throw new ScenarioValidationError(source, errors);
    out.push(value as unknown as ChaosScenario);
  }
  return out;
}

function walk(s: Schema, v: unknown, path: string, errors: ValidationError[]): void {
  const fail = (message: string): void => void errors.push({ path, message });
  switch (s.type) {
    case 'object': {
      if (!isObject(v)) return fail(`must be of type object`);
      for (const key of s.required ?? []) {
        if (v[key] === undefined) errors.push({ path: `${path}.${key}`, message: 'Required value' });
      }
      for (const [key, child] of Object.entries(v)) {
        const sub = s.properties?.[key] ?? s.additionalProperties;
        if (!sub) errors.push({ path: `${path}.${key}`, message: 'unknown field' });
        else if (child !== undefined) walk(sub, child, `${path}.${key}`, errors);
      }
      break;
    }
    case 'array': {
      if (!Array.isArray(v)) return fail('must be of type array');
      if (s.maxItems !== undefined && v.length > s.maxItems) fail(`must have at most ${s.maxItems} items`);
      if (s.minItems !== undefined && v.length < s.minItems) fail(`must have at least ${s.minItems} items`);
      if (s.items) v.forEach((item, i) => walk(s.items as Schema, item, `${path}[${i}]`, errors));
      if (s.listMapKey) {
        const key = s.listMapKey;
        const seen = new Set<unknown>();
        v.forEach((item: unknown, i) => {
          const k = isObject(item) ? item[key] : undefined;
          if (seen.has(k))
            errors.push({ path: `${path}[${i}]`, message: `Duplicate value: ${key}=${String(k)}` });
          seen.add(k);
        });
      }
      break;
    }
    case 'string':
      if (typeof v !== 'string') return fail('must be of type string');
      if (s.enum && !s.enum.includes(v))
        fail(`Unsupported value: "${v}": supported values: ${s.enum.join(', ')}`);
      if (s.pattern && !new RegExp(s.pattern).test(v)) fail(`should match '${s.pattern}'`);
      if (s.maxLength !== undefined && v.length > s.maxLength) fail(`may not be longer than ${s.maxLength}`);
      if (s.minLength !== undefined && v.length < s.minLength)
        fail(`should be at least ${s.minLength} chars long`);
      break;
    case 'integer':
    case 'number':
      if (typeof v !== 'number' || (s.type === 'integer' && !Number.isInteger(v)))
        return fail(`must be of type ${s.type}`);
      if (s.minimum !== undefined && v < s.minimum) fail(`should be greater than or equal to ${s.minimum}`);
      if (s.maximum !== undefined && v > s.maximum) fail(`should be less than or equal to ${s.maximum}`);
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return fail('must be of type boolean');
      break;
  }
  // The API server skips CEL rules when the structural schema already failed here.
  if (errors.some((e) => e.path === path || e.path.startsWith(`${path}.`) || e.path.startsWith(`${path}[`)))
    return;
  for (const r of s.rules ?? []) if (!r.check(v)) fail(r.message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
