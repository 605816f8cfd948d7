// The lesson's networks, written once for every test.

/** The 1-1-1-1 chain of 3Blue1Brown's lesson: one neuron per layer, sigmoid, quadratic cost. */
export const chain = {
  network: {
    layers: [
      { weights: [[0.5]], biases: [0.1] },
      { weights: [[-0.3]], biases: [0.2] },
      { weights: [[0.8]], biases: [-0.1] },
    ],
  },
  examples: [{ input: [1.0], target: [0.0] }],
};

/** A 2-3-2 sigmoid network with two examples. */
export const net232 = {
  network: {
    layers: [
      { weights: [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]], biases: [0.01, -0.02, 0.03] },
      { weights: [[0.7, -0.8, 0.9], [-0.1, 0.2, -0.3]], biases: [0.05, -0.05] },
    ],
  },
  examples: [
    { input: [0.5, -1.5], target: [1, 0] },
    { input: [2.0, 0.25], target: [0, 1] },
  ],
};
