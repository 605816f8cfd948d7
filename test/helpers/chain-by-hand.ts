// The lesson's 1-1-1-1 chain worked by hand: an oracle independent of src/ for the docs and
// client tests.
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** w, b of layers 1..3; x = 1, y = 0; C₀ = (a⁽³⁾ − y)². */
export function chainByHand() {
  const w = [0.5, -0.3, 0.8];
  const b = [0.1, 0.2, -0.1];
  const x = 1.0;
  const y = 0.0;
  const a = [x];
  const z: number[] = [];
  for (let l = 0; l < 3; l++) {
    z.push(w[l]! * a[l]! + b[l]!);
    a.push(sigmoid(z[l]!));
  }
  const cost = (a[3]! - y) ** 2;
  // ∂C/∂a⁽³⁾ = 2(a⁽³⁾ − y); ∂C/∂z⁽ˡ⁾ = σ'(z⁽ˡ⁾)·∂C/∂a⁽ˡ⁾ with σ' = a(1 − a); ∂C/∂a⁽ˡ⁻¹⁾ = w⁽ˡ⁾·∂C/∂z⁽ˡ⁾.
  const vector = new Array<number>(6);
  const dCda = new Array<number>(3);
  const dCdz = new Array<number>(3);
  let upstream = 2 * (a[3]! - y);
  for (let l = 2; l >= 0; l--) {
    dCda[l] = upstream;
    dCdz[l] = a[l + 1]! * (1 - a[l + 1]!) * upstream;
    vector[2 * l] = a[l]! * dCdz[l]!; // ∂C/∂w⁽ˡ⁾
    vector[2 * l + 1] = dCdz[l]!; // ∂C/∂b⁽ˡ⁾
    upstream = w[l]! * dCdz[l]!;
  }
  return { outputs: [[a[3]!]], cost, vector, z, a: a.slice(1), dCda, dCdz, dCdInput: upstream };
}
