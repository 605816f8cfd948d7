// Fails the test (or the file, for requests made in hooks) in which a response did not match
// the OpenAPI response of its route: see test/helpers/conformance.ts.
import { afterAll, afterEach } from 'vitest';
import { formatViolations, takeViolations } from '../helpers/conformance.js';

function failOnViolations(): void {
  const found = takeViolations();
  if (found.length) {
    throw new Error(`${found.length} response(s) do not match the OpenAPI document (fix the route's response schema or the response):\n${formatViolations(found)}`);
  }
}

afterEach(failOnViolations);
afterAll(failOnViolations);
