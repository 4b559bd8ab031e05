// A small subset of the CRD OpenAPI v3 dialect, so that the schema is plain
// typed data: rendered into the CRD for the API server, and walked by the
// local validator for the runner. Each CEL rule carries a TypeScript twin of
// itself; a test sends the same documents to the API server and to the twin.

export interface Rule {
  /** CEL, evaluated by the API server. */
  rule: string;
  message: string;
  /** The same rule in TypeScript, evaluated by validateScenario(). */
  check: (self: any) => boolean; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Schema {
  type: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema;
  items?: Schema;
  enum?: readonly string[];
  pattern?: string;
  format?: 'date-time';
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  listMapKey?: string;
  rules?: Rule[];
}

type Extra = Partial<Omit<Schema, 'type'>>;

export const str = (extra: Extra = {}): Schema => ({ type: 'string', maxLength: 253, ...extra });
export const int = (extra: Extra = {}): Schema => ({ type: 'integer', ...extra });
export const num = (extra: Extra = {}): Schema => ({ type: 'number', ...extra });
export const bool = (extra: Extra = {}): Schema => ({ type: 'boolean', ...extra });
export const time = (extra: Extra = {}): Schema => ({ type: 'string', format: 'date-time', ...extra });
export const oneOf = (values: readonly string[], extra: Extra = {}): Schema => ({
  type: 'string',
  enum: values,
  ...extra,
});
export const arr = (items: Schema, maxItems: number, extra: Extra = {}): Schema => ({
  type: 'array',
  items,
  maxItems,
  ...extra,
});
export const obj = (properties: Record<string, Schema>, extra: Extra = {}): Schema => ({
  type: 'object',
  properties,
  ...extra,
});
export const map = (values: Schema, extra: Extra = {}): Schema => ({
  type: 'object',
  additionalProperties: values,
  ...extra,
});

/** Renders the schema in the API server's JSONSchemaProps form. */
export function toOpenApi(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = { type: s.type };
  if (s.description) out.description = s.description;
  if (s.properties) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toOpenApi(v)]));
  }
  if (s.required?.length) out.required = s.required;
  if (s.additionalProperties) out.additionalProperties = toOpenApi(s.additionalProperties);
  if (s.items) out.items = toOpenApi(s.items);
  if (s.enum) out.enum = [...s.enum];
  for (const key of [
    'pattern',
    'format',
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'minItems',
    'maxItems',
  ] as const) {
    if (s[key] !== undefined) out[key] = s[key];
  }
  if (s.listMapKey) {
    out['x-kubernetes-list-type'] = 'map';
    out['x-kubernetes-list-map-keys'] = [s.listMapKey];
  }
  if (s.rules?.length) {
    out['x-kubernetes-validations'] = s.rules.map(({ rule, message }) => ({ rule, message }));
  }
  return out;
}
