// The lesson's 1-1-1-1 chain as the docs show it: the request and what the service answers.
// test/docs/examples.test.ts checks these numbers against a hand derivation and against the
// service's own answer, so the documentation cannot teach a wrong number.

// The request is lessonChainRequest below: w⁽¹⁾=0.5 b⁽¹⁾=0.1 → w⁽²⁾=−0.3 b⁽²⁾=0.2 → w⁽³⁾=0.8 b⁽³⁾=−0.1, x = 1, y = 0.

/** z⁽ˡ⁾ = w⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾ and a⁽ˡ⁾ = σ(z⁽ˡ⁾) down the chain; C₀ = (a⁽³⁾ − y)². */
const lessonLayers = [
  { z: [0.6], a: [0.6456563062257954] },
  { z: [0.006303108132261398], a: [0.5015757718160597] },
  { z: [0.3012606174528478], a: [0.574750656268167] },
];

/** The lesson's 1-1-1-1 chain as a request: the example of every compute and grading route. */
export const lessonChainRequest = {
  network: { layers: [
    { weights: [[0.5]], biases: [0.1] }, { weights: [[-0.3]], biases: [0.2] }, { weights: [[0.8]], biases: [-0.1] },
  ] },
  examples: [{ input: [1.0], target: [0.0] }],
};

export const lessonForwardResponse = {
  cost: 0.33033831688068865,
  outputs: [[0.574750656268167]],
  examples: [{ cost: 0.33033831688068865, layers: lessonLayers }],
};

/**
 * ∂C₀/∂a⁽³⁾ = 2(a⁽³⁾ − y); δ⁽ˡ⁾ = σ'(z⁽ˡ⁾)·∂C₀/∂a⁽ˡ⁾; ∂C₀/∂w⁽ˡ⁾ = a⁽ˡ⁻¹⁾δ⁽ˡ⁾, ∂C₀/∂b⁽ˡ⁾ = δ⁽ˡ⁾;
 * ∂C₀/∂a⁽ˡ⁻¹⁾ = w⁽ˡ⁾δ⁽ˡ⁾.
 */
export const lessonGradientResponse = {
  cost: 0.33033831688068865,
  conventions: { cost: 'quadratic', reduction: 'mean' },
  parameterCount: 6,
  gradient: { layers: [
    { weights: [[-0.0038566092761220237]], biases: [-0.0038566092761220237] },
    { weights: [[0.03627936514634798]], biases: [0.05618990288876782] },
    { weights: [[0.14091886918675048]], biases: [0.2809523049259822] },
  ] },
  vector: [-0.0038566092761220237, -0.0038566092761220237, 0.03627936514634798, 0.05618990288876782, 0.14091886918675048, 0.2809523049259822],
  examples: [{
    cost: 0.33033831688068865,
    layers: [
      { ...lessonLayers[0], dCda: [-0.016856970866630346], dCdz: [-0.0038566092761220237] },
      { ...lessonLayers[1], dCda: [0.2247618439407858], dCdz: [0.05618990288876782] },
      { ...lessonLayers[2], dCda: [1.149501312536334], dCdz: [0.2809523049259822] },
    ],
    dCdInput: [-0.0019283046380610118],
  }],
};
