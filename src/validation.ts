// One JSON Schema validator for every door (REST bodies and JSON-RPC params): strict, no
// coercion, no defaults injected, no fields dropped, every error with its JSON Pointer.
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { decodeF64InPlace } from './encoding/f64.js';
import { type FieldError, ServiceError, pointerToken } from './errors.js';

const Ajv = AjvModule.default ?? AjvModule;
export const ajv = new Ajv({
  allErrors: true,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  strict: false,
  // NaN and ±Infinity are not numbers here: JSON.parse reads 1e400 as Infinity, and it must be refused.
  strictNumbers: true,
  // parentSchema in errors: lets toFieldErrors recognise the f64 branch of a number array.
  verbose: true,
});

const cache = new WeakMap<object, ValidateFunction>();

export function compile(schema: object): ValidateFunction {
  let validate = cache.get(schema);
  if (!validate) {
    validate = withF64Decoding(ajv.compile(schema));
    cache.set(schema, validate);
  }
  return validate;
}

/** { f64, shape } objects become number arrays first (src/encoding/f64.ts): one door for all. */
function withF64Decoding(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown) => {
    const decodeErrors = decodeF64InPlace(data);
    if (decodeErrors.length > 0) {
      wrapped.errors = decodeErrors as unknown as ErrorObject[];
      return false;
    }
    const ok = validate(data);
    wrapped.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  wrapped.schema = validate.schema;
  wrapped.errors = null;
  return wrapped;
}

function isF64Branch(e: ErrorObject): boolean {
  return (e.parentSchema as { 'x-encoding'?: string } | undefined)?.['x-encoding'] === 'f64';
}

/** Ajv's errors as { path, message }: the path points at the offending field itself. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, prefix = ''): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors ?? []) {
    let path = prefix + e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      path += '/' + pointerToken(String(e.params.missingProperty));
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path += '/' + pointerToken(String(e.params.additionalProperty));
      message = 'is not a known field';
    } else if (e.keyword === 'type' && (e.params.type === 'number' || e.params.type === 'integer')) {
      message = e.params.type === 'number' ? 'must be a finite number' : 'must be an integer';
    }
    // anyOf/oneOf repeat their branches' errors; one line per path and message is enough.
    // The f64 branch of a number array is decoded before validation: its "must be object" is noise.
    const key = path + '\u0000' + message;
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || seen.has(key) || isF64Branch(e)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}

/** Validates against a schema; throws the 400 problem listing every violation. */
export function assertValid<T>(schema: object, value: unknown, what = 'request body'): asserts value is T {
  const validate = compile(schema);
  if (!validate(value)) {
    const errors = toFieldErrors(validate.errors);
    throw new ServiceError('invalid-request', `The ${what} does not match the schema (${errors.length} error${errors.length === 1 ? '' : 's'}).`, { errors });
  }
}
