// If-Match (RFC 9110 §13.1.1): strong comparison — a weak tag never matches; `*` and lists do.
import { describe, expect, it } from 'vitest';
import { ifMatchAccepts } from '../../../src/sessions/view.js';

describe('ifMatchAccepts', () => {
  it('accepts the current strong tag, alone or in a list, and *', () => {
    expect(ifMatchAccepts('"v3"', 3)).toBe(true);
    expect(ifMatchAccepts('"v9", "v3"', 3)).toBe(true);
    expect(ifMatchAccepts('*', 3)).toBe(true);
  });

  it('refuses another version', () => {
    expect(ifMatchAccepts('"v2"', 3)).toBe(false);
    expect(ifMatchAccepts('"v9", "v2"', 3)).toBe(false);
  });

  it('refuses a weak tag, even of the current version (strong comparison)', () => {
    expect(ifMatchAccepts('W/"v3"', 3)).toBe(false);
    expect(ifMatchAccepts('W/"v9", W/"v3"', 3)).toBe(false);
  });
});
