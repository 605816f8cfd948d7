// A result that is not a finite number is reported (422), never sent as null: JSON has no NaN.
import { ServiceError, type FieldError } from '../errors.js';

export interface Quantity {
  /** How the client knows it: "z⁽²⁾", "cost C₀", "∂C/∂W⁽¹⁾". */
  name: string;
  /** JSON Pointer of the quantity in the response; "{e}" is replaced by the example index. */
  path: string;
  data: Float64Array;
  /** Values per example: the data is rows × width; 0 for a batch-level quantity. */
  width: number;
}

const MAX_REPORTED = 20;

/** Throws non-finite-result naming each offending quantity and example (the first value of each). */
export function assertFinite(quantities: Quantity[]): void {
  const errors: FieldError[] = [];
  for (const q of quantities) {
    const { data, width } = q;
    for (let i = 0; i < data.length; i++) {
      if (Number.isFinite(data[i])) continue;
      if (width === 0) {
        errors.push({ path: q.path, message: `${q.name} is ${data[i]} (index ${i})` });
        break;
      }
      const example = Math.floor(i / width);
      errors.push({ path: q.path.replace('{e}', String(example)), message: `${q.name} of example ${example} is ${data[i]} (index ${i % width})` });
      i = (example + 1) * width - 1; // one report per example and quantity
      if (errors.length >= MAX_REPORTED) break;
    }
    if (errors.length >= MAX_REPORTED) break;
  }
  if (errors.length > 0) {
    throw new ServiceError('non-finite-result', `The computation produced non-finite values: ${errors[0].message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}.`, { errors });
  }
}
